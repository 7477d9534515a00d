import { describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import { guardRows, parseCanonicalTime, readWindow } from './guard';
import { buildOutputColumns } from './type-map';
import { col, schemaOf } from './test-helpers';

const now = Date.UTC(2025, 5, 1);
const schema = schemaOf(
  [col('id', { kind: 'int', bits: 32, unsigned: false }, false), col('ts', { kind: 'datetime', fsp: 0, utc: true }, true), col('born', { kind: 'date' })],
  ['id'],
);
const { columns, names, primary } = buildOutputColumns(schema, { timestamp_column: 'ts' });
const wide = { coldDataMaxAgeDays: 36500, maxFutureDays: 36500 };
const guard = (rows: (string | number | null)[][], window = wide) => () => guardRows(schema, columns, names, primary, window, rows, now);

describe('guardRows', () => {
  it('accepts rows inside every range', () => {
    expect(guard([[1, '2001-02-03 04:05:06', '1930-01-01'], [2, '2030-01-01 00:00:00', null]])).not.toThrow();
  });
  it('rejects a NULL primary timestamp, naming column and key', () => {
    expect(guard([[1, '2001-02-03 04:05:06', null], [42, null, null]])).toThrow(/ts .*NULL.*id=42/);
  });
  it('rejects primary timestamps outside the datetime range', () => {
    expect(guard([[7, '1969-12-31 23:59:59', null]])).toThrow(/ts = "1969-12-31 23:59:59" in row with key \(id=7\).*datetime range/);
  });
  it('rejects non-primary dates outside the datetime64 range and invalid dates', () => {
    expect(guard([[8, '2001-01-01 00:00:00', '1899-12-31']])).toThrow(/born.*id=8.*datetime64/);
    expect(guard([[8, '2001-01-01 00:00:00', '1900-01-01']])).not.toThrow();
    expect(guard([[9, '2001-01-01 00:00:00', '0000-00-00']])).toThrow(/not a valid date/);
  });
  it('rejects rows outside the table window', () => {
    const narrow = readWindow({ stream: { cold_data_max_age_days: 365 } });
    expect(narrow).toEqual({ coldDataMaxAgeDays: 365, maxFutureDays: 0 });
    expect(guard([[3, '2020-01-01 00:00:00', null]], narrow)).toThrow(PermanentError);
    expect(guard([[3, '2020-01-01 00:00:00', null]], narrow)).toThrow(/cold_data_max_age_days=365.*id=3|id=3.*cold_data_max_age_days=365/);
    expect(guard([[4, '2025-06-02 00:00:00', null]], narrow)).toThrow(/max_future_days=0/);
    expect(guard([[5, '2025-05-01 00:00:00', null]], narrow)).not.toThrow();
  });
});

describe('parseCanonicalTime', () => {
  it('parses canonical values exactly and rejects impossible ones', () => {
    expect(parseCanonicalTime('2024-02-29 23:59:59.123456')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 123));
    expect(parseCanonicalTime('1950-06-01')).toBe(Date.UTC(1950, 5, 1));
    expect(parseCanonicalTime('2023-02-29')).toBeNull();
    expect(parseCanonicalTime('2023-01-01 24:00:00')).toBeNull();
  });
});
