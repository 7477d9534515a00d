import { describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import { buildBatchLandedSql, buildCountSql, buildLandedSql, buildTallySql, parseLanded, parseTally, quoteIdent, quoteString } from './query';
import { col, schemaOf } from './test-helpers';

const t = { project: 'proj', table: 'tab', primary: 'ts' };
/** Every query bounds the primary timestamp (hdx_query_timerange_required) and lifts the range breaker. */
const TS = "`ts` >= '1970-01-01 00:00:00' AND `ts` <= '2106-02-07 06:28:15' SETTINGS hdx_query_max_timerange_sec = 0 FORMAT JSON";
const schema = schemaOf(
  [col('k1', { kind: 'int', bits: 32, unsigned: false }, false), col('k2', { kind: 'string' }, false), col('v', { kind: 'json' })],
  ['k1', 'k2'],
);

describe('quoting', () => {
  it('escapes identifiers and strings', () => {
    expect(quoteIdent('we`ird\\')).toBe('`we\\`ird\\\\`');
    expect(quoteString("it's \\ here")).toBe("'it\\'s \\\\ here'");
  });
});

describe('buildLandedSql', () => {
  it('builds both bounds', () => {
    expect(buildLandedSql(t, schema, { after: [1, 'a'], upTo: [9, "z'"] })).toBe(
      `SELECT count() AS \`es.rows\`, max(tuple(\`k1\`,\`k2\`)) AS \`es.last_key\` FROM \`proj\`.\`tab\` WHERE tuple(\`k1\`,\`k2\`) > tuple(1,'a') AND tuple(\`k1\`,\`k2\`) <= tuple(9,'z\\'') AND ${TS}`,
    );
  });
  it('omits null bounds and uses tuple() for single keys', () => {
    const s = schemaOf([col('id', { kind: 'int', bits: 64, unsigned: true }, false)]);
    expect(buildLandedSql(t, s, { after: null, upTo: null })).toBe(`SELECT count() AS \`es.rows\`, max(tuple(\`id\`)) AS \`es.last_key\` FROM \`proj\`.\`tab\` WHERE ${TS}`);
    expect(buildLandedSql(t, s, { after: ['18446744073709551615'], upTo: null })).toMatch(/WHERE tuple\(`id`\) > tuple\(18446744073709551615\) AND `ts` >= /);
  });
  it('refuses non-integer literals for integer keys (no injection)', () => {
    expect(() => buildLandedSql(t, schema, { after: ['1) OR (1=1', 'a'], upTo: null })).toThrow(PermanentError);
  });
  it('closed batch ranges, counts and tallies', () => {
    expect(buildBatchLandedSql(t, schema, [1, 'a'], [1, 'b'])).toBe(
      `SELECT count() AS \`es.rows\`, max(tuple(\`k1\`,\`k2\`)) AS \`es.last_key\` FROM \`proj\`.\`tab\` WHERE tuple(\`k1\`,\`k2\`) >= tuple(1,'a') AND tuple(\`k1\`,\`k2\`) <= tuple(1,'b') AND ${TS}`,
    );
    expect(buildCountSql(t)).toBe(`SELECT count() AS \`es.rows\` FROM \`proj\`.\`tab\` WHERE ${TS}`);
    expect(buildTallySql(t, schema)).toBe(`SELECT count() AS \`es.rows\`, uniqExact(tuple(\`k1\`,\`k2\`)) AS \`es.distinct_keys\` FROM \`proj\`.\`tab\` WHERE ${TS}`);
    const s = schemaOf([col('id', { kind: 'int', bits: 64, unsigned: true }, false)]);
    expect(buildTallySql(t, s)).toBe(`SELECT count() AS \`es.rows\`, uniqExact(tuple(\`id\`)) AS \`es.distinct_keys\`, sum(DISTINCT toInt128(\`id\`)) AS \`es.key_sum\` FROM \`proj\`.\`tab\` WHERE ${TS}`);
  });
});

describe('parseLanded', () => {
  it('maps keys back to canonical values', () => {
    expect(parseLanded(schema, JSON.stringify({ data: [{ 'es.rows': '5', 'es.last_key': [7, 'x'] }] }))).toEqual({ rows: 5, lastKey: [7, 'x'] });
    const s64 = schemaOf([col('id', { kind: 'int', bits: 64, unsigned: true }, false), col('d', { kind: 'datetime', fsp: 6, utc: true }, false)], ['id', 'd']);
    expect(parseLanded(s64, '{"data":[{"es.rows":"2","es.last_key":["18446744073709551615","2024-01-02 03:04:05.123"]}]}').lastKey).toEqual([
      '18446744073709551615',
      '2024-01-02 03:04:05.123000',
    ]);
  });
  it('accepts a tuple printed as an object (ClickHouse 24.8 named tuples), named or numbered', () => {
    expect(parseLanded(schema, '{"data":[{"es.rows":"5","es.last_key":{"k2":"x","k1":7}}]}')).toEqual({ rows: 5, lastKey: [7, 'x'] });
    expect(parseLanded(schema, '{"data":[{"es.rows":"5","es.last_key":{"1":7,"2":"x"}}]}')).toEqual({ rows: 5, lastKey: [7, 'x'] });
    expect(() => parseLanded(schema, '{"data":[{"es.rows":"5","es.last_key":{"k1":7}}]}')).toThrow(/max\(tuple\)/);
  });
  it('returns null lastKey when nothing landed (max() gives a default)', () => {
    expect(parseLanded(schema, '{"data":[{"es.rows":"0","es.last_key":[0,""]}]}')).toEqual({ rows: 0, lastKey: null });
  });
});

describe('parseTally', () => {
  it('reads rows, distinct keys and an exact 128-bit key sum', () => {
    expect(parseTally('{"data":[{"es.rows":"7","es.distinct_keys":"6","es.key_sum":"36893488147419103230"}]}')).toEqual({ rows: 7, distinctKeys: 6, keySum: '36893488147419103230' });
    expect(parseTally('{"data":[{"es.rows":3,"es.distinct_keys":3}]}')).toEqual({ rows: 3, distinctKeys: 3, keySum: null });
    expect(() => parseTally('{"data":[{"es.rows":"x","es.distinct_keys":"1"}]}')).toThrow(/count/);
  });
});
