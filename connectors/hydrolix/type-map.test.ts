import { describe, expect, it } from 'vitest';
import { PermanentError, type ColumnType } from '../types';
import { SYNTHETIC_PRIMARY, buildOutputColumns, choosePrimary, diffColumns, mapType } from './type-map';
import { col, schemaOf } from './test-helpers';

const map = (t: ColumnType, sourceType?: string) => mapType(col('c', t, true, sourceType));

describe('mapType', () => {
  it.each([
    [{ kind: 'int', bits: 8, unsigned: false }, 'int8'],
    [{ kind: 'int', bits: 8, unsigned: true }, 'uint8'],
    [{ kind: 'int', bits: 16, unsigned: false }, 'int32'],
    [{ kind: 'int', bits: 16, unsigned: true }, 'uint32'],
    [{ kind: 'int', bits: 24, unsigned: true }, 'uint32'],
    [{ kind: 'int', bits: 32, unsigned: false }, 'int32'],
    [{ kind: 'int', bits: 32, unsigned: true }, 'uint32'],
    [{ kind: 'int', bits: 64, unsigned: false }, 'int64'],
    [{ kind: 'int', bits: 64, unsigned: true }, 'uint64'],
    [{ kind: 'boolean' }, 'int8'],
    [{ kind: 'decimal', precision: 10, scale: 2 }, 'string'],
    [{ kind: 'float', bits: 32 }, 'double'],
    [{ kind: 'float', bits: 64 }, 'double'],
    [{ kind: 'date' }, 'datetime64'],
    [{ kind: 'datetime', fsp: 0, utc: false }, 'datetime64'],
    [{ kind: 'time', fsp: 0 }, 'string'],
    [{ kind: 'year' }, 'uint32'],
    [{ kind: 'string', maxLength: 10 }, 'string'],
    [{ kind: 'enum', values: ['a'] }, 'string'],
    [{ kind: 'set', values: ['a'] }, 'string'],
    [{ kind: 'json' }, 'string'],
    [{ kind: 'binary' }, 'string'],
    [{ kind: 'bit', bits: 64 }, 'uint64'],
  ] as [ColumnType, string][])('%j → %s', (t, type) => {
    expect(map(t).datatype.type).toBe(type);
  });

  it('keeps TINYINT(1) UNSIGNED exact', () => {
    expect(map({ kind: 'boolean' }, 'tinyint(1) unsigned').datatype.type).toBe('uint8');
  });

  it('never indexes double, json or binary', () => {
    expect(map({ kind: 'float', bits: 64 }).datatype.index).toBe(false);
    expect(map({ kind: 'json' }).datatype.index).toBe(false);
    expect(map({ kind: 'binary' }).datatype.index).toBe(false);
  });

  it('datetime format, resolution and warnings', () => {
    expect(map({ kind: 'date' }).datatype).toMatchObject({ format: '2006-01-02' });
    expect(map({ kind: 'datetime', fsp: 0, utc: true }).datatype).toMatchObject({ format: '2006-01-02 15:04:05.999999', resolution: 's' });
    const ms = map({ kind: 'datetime', fsp: 3, utc: true });
    expect(ms.datatype.resolution).toBe('ms');
    expect(ms.warnings).toEqual([]);
    const us = map({ kind: 'datetime', fsp: 6, utc: false }, 'datetime(6)');
    expect(us.datatype.resolution).toBe('ms');
    expect(us.warnings[0]).toMatch(/truncated to milliseconds/);
  });

  it('warns for decimal and binary', () => {
    expect(map({ kind: 'decimal', precision: 65, scale: 30 }).warnings[0]).toMatch(/string/);
    expect(map({ kind: 'binary' }).warnings[0]).toMatch(/base64/);
  });
});

describe('choosePrimary', () => {
  const id = col('id', { kind: 'int', bits: 64, unsigned: true }, false);
  const d = col('d', { kind: 'date' }, false);
  const ndt = col('ndt', { kind: 'datetime', fsp: 0, utc: true }, true);
  const dt = col('dt', { kind: 'datetime', fsp: 3, utc: true }, false);

  it('prefers the first NOT NULL datetime, then date', () => {
    expect(choosePrimary(schemaOf([id, d, ndt, dt]), {}).primary).toEqual({ name: 'dt', index: 3, nullable: false });
    expect(choosePrimary(schemaOf([id, ndt, d]), {}).primary.name).toBe('d');
  });

  it('honours timestamp_column, even a nullable one', () => {
    expect(choosePrimary(schemaOf([id, ndt, dt]), { timestamp_column: 'ndt' }).primary).toEqual({ name: 'ndt', index: 1, nullable: true });
  });

  it('rejects a bad timestamp_column', () => {
    expect(() => choosePrimary(schemaOf([id, dt]), { timestamp_column: 'nope' })).toThrow(PermanentError);
    expect(() => choosePrimary(schemaOf([id, dt]), { timestamp_column: 'id' })).toThrow(/date or datetime/);
  });

  it('adds a synthetic primary when no timestamp exists', () => {
    const r = buildOutputColumns(schemaOf([id, ndt]), undefined);
    expect(r.primary.index).toBe(-1);
    expect(r.columns[0]).toEqual({ name: SYNTHETIC_PRIMARY, datatype: expect.objectContaining({ type: 'datetime', primary: true }) });
    expect(r.warnings.join()).toMatch(SYNTHETIC_PRIMARY);
  });

  it('the chosen column becomes datetime primary', () => {
    const r = buildOutputColumns(schemaOf([id, d]), undefined);
    expect(r.columns[1]).toEqual({ name: 'd', datatype: { type: 'datetime', primary: true, format: '2006-01-02', resolution: 's' } });
  });
});

describe('diffColumns', () => {
  const wanted = buildOutputColumns(schemaOf([col('id', { kind: 'int', bits: 32, unsigned: false }), col('t', { kind: 'datetime', fsp: 0, utc: true }, false)]), {}).columns;
  it('accepts identical columns', () => expect(diffColumns(wanted, wanted)).toEqual([]));
  it('reports type and missing-column differences', () => {
    const other = [{ name: 'id', datatype: { type: 'int64' } }];
    const diffs = diffColumns(wanted, other);
    expect(diffs.join('\n')).toMatch(/id is int64, expected int32/);
    expect(diffs.join('\n')).toMatch(/column t .* is missing/);
  });
});

describe('hydrolix column names', () => {
  it('keeps safe names, sanitises others, refuses clashes', () => {
    const r = buildOutputColumns(schemaOf([col('userId', { kind: 'int', bits: 32, unsigned: false }, false), col('2nd col', { kind: 'string' })]), {});
    expect(r.names).toEqual(['userid', '_2nd_col']);
    expect(r.columns.map((c) => c.name)).toEqual([SYNTHETIC_PRIMARY, 'userid', '_2nd_col']);
    expect(r.warnings.join('\n')).toMatch(/userId is named userid/);
    expect(() => buildOutputColumns(schemaOf([col('A', { kind: 'string' }), col('a', { kind: 'string' })]), {})).toThrow(/both map to/);
  });
});
