import { describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import { buildCountSql, buildLandedSql, parseLanded, quoteIdent, quoteString } from './query';
import { col, schemaOf } from './test-helpers';

const t = { project: 'proj', table: 'tab' };
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
      "SELECT count() AS n, max(tuple(`k1`,`k2`)) AS last_key FROM `proj`.`tab` WHERE tuple(`k1`,`k2`) > tuple(1,'a') AND tuple(`k1`,`k2`) <= tuple(9,'z\\'') FORMAT JSON",
    );
  });
  it('omits null bounds and uses tuple() for single keys', () => {
    const s = schemaOf([col('id', { kind: 'int', bits: 64, unsigned: true }, false)]);
    expect(buildLandedSql(t, s, { after: null, upTo: null })).toBe('SELECT count() AS n, max(tuple(`id`)) AS last_key FROM `proj`.`tab` FORMAT JSON');
    expect(buildLandedSql(t, s, { after: ['18446744073709551615'], upTo: null })).toMatch(/WHERE tuple\(`id`\) > tuple\(18446744073709551615\) FORMAT JSON$/);
  });
  it('refuses non-integer literals for integer keys (no injection)', () => {
    expect(() => buildLandedSql(t, schema, { after: ['1) OR (1=1', 'a'], upTo: null })).toThrow(PermanentError);
  });
  it('counts', () => expect(buildCountSql(t)).toBe('SELECT count() AS n FROM `proj`.`tab` FORMAT JSON'));
});

describe('parseLanded', () => {
  it('maps keys back to canonical values', () => {
    expect(parseLanded(schema, JSON.stringify({ data: [{ n: '5', last_key: [7, 'x'] }] }))).toEqual({ rows: 5, lastKey: [7, 'x'] });
    const s64 = schemaOf([col('id', { kind: 'int', bits: 64, unsigned: true }, false), col('d', { kind: 'datetime', fsp: 6, utc: true }, false)], ['id', 'd']);
    expect(parseLanded(s64, '{"data":[{"n":"2","last_key":["18446744073709551615","2024-01-02 03:04:05.123"]}]}').lastKey).toEqual([
      '18446744073709551615',
      '2024-01-02 03:04:05.123000',
    ]);
  });
  it('returns null lastKey when nothing landed (max() gives a default)', () => {
    expect(parseLanded(schema, '{"data":[{"n":"0","last_key":[0,""]}]}')).toEqual({ rows: 0, lastKey: null });
  });
});
