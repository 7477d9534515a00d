import { describe, expect, it } from 'vitest';
import { formatDateTime, parseGoTime } from './datetime';
import { JsonNumber, parseJson, parseJsonSequence, stringifyExact } from './json';
import { columnBounds, queryTail, tokenize, twoPartNames } from './sql';

const iso = (ms: number) => new Date(ms).toISOString();

describe('Go layout parser', () => {
  it('parses common Hydrolix layouts', () => {
    expect(iso(parseGoTime('2006-01-02 15:04:05', '2024-03-05 07:08:09'))).toBe('2024-03-05T07:08:09.000Z');
    expect(iso(parseGoTime('2006-01-02T15:04:05Z07:00', '2024-03-05T07:08:09Z'))).toBe('2024-03-05T07:08:09.000Z');
    expect(iso(parseGoTime('2006-01-02T15:04:05Z07:00', '2024-03-05T07:08:09+02:00'))).toBe('2024-03-05T05:08:09.000Z');
    expect(iso(parseGoTime('2006-01-02 15:04:05 -0700', '2024-03-05 07:08:09 -0130'))).toBe('2024-03-05T08:38:09.000Z');
    expect(iso(parseGoTime('2006-01-02 15:04:05 MST', '2024-03-05 07:08:09 UTC'))).toBe('2024-03-05T07:08:09.000Z');
    expect(iso(parseGoTime('2006-01-02', '1999-12-31'))).toBe('1999-12-31T00:00:00.000Z');
    expect(iso(parseGoTime('02/01/2006 03:04PM', '25/12/2023 01:30PM'))).toBe('2023-12-25T13:30:00.000Z');
    expect(iso(parseGoTime('Jan _2 2006', 'Feb  3 2021'))).toBe('2021-02-03T00:00:00.000Z');
  });
  it('handles fractional seconds like Go', () => {
    expect(iso(parseGoTime('2006-01-02 15:04:05.000', '2024-01-01 00:00:00.123'))).toBe('2024-01-01T00:00:00.123Z');
    expect(() => parseGoTime('2006-01-02 15:04:05.000', '2024-01-01 00:00:00.12')).toThrow();
    expect(iso(parseGoTime('2006-01-02 15:04:05.999999', '2024-01-01 00:00:00.5'))).toBe('2024-01-01T00:00:00.500Z');
    expect(iso(parseGoTime('2006-01-02 15:04:05.999999', '2024-01-01 00:00:00'))).toBe('2024-01-01T00:00:00.000Z');
    expect(iso(parseGoTime('2006-01-02 15:04:05.000000', '2024-01-01 00:00:00.987654'))).toBe('2024-01-01T00:00:00.987Z');
    // Go accepts a fraction after seconds even when the layout has none
    expect(iso(parseGoTime('2006-01-02 15:04:05', '2024-01-01 00:00:00.25'))).toBe('2024-01-01T00:00:00.250Z');
  });
  it('is strict where Go is strict', () => {
    expect(() => parseGoTime('2006-01-02', '2024-02-30')).toThrow(/day out of range/);
    expect(() => parseGoTime('2006-01-02', '2024-1-05')).toThrow(); // 01 is fixed width
    expect(iso(parseGoTime('2006-1-2', '2024-1-5'))).toBe('2024-01-05T00:00:00.000Z');
    expect(() => parseGoTime('2006-01-02 15:04:05', '2024-01-01 24:00:00')).toThrow(/hour/);
    expect(() => parseGoTime('2006-01-02', '2024-01-01 extra')).toThrow(/extra text/);
    expect(() => parseGoTime('2006-01-02T15:04:05Z', '2024-01-01 00:00:00')).toThrow();
    expect(() => parseGoTime('2006-01-02 15:04:05 MST', '2024-01-01 00:00:00 PST')).toThrow(/UTC/);
    expect(iso(parseGoTime('2006-01-02', '1900-01-01'))).toBe('1900-01-01T00:00:00.000Z');
  });
  it('formats at resolution', () => {
    expect(formatDateTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678), 'ms')).toBe('2024-01-02 03:04:05.678');
    expect(formatDateTime(Date.UTC(2024, 0, 2, 3, 4, 5), 's')).toBe('2024-01-02 03:04:05');
  });
});

describe('exact JSON', () => {
  it('keeps big integers exact', () => {
    const v = parseJson('{"a":18446744073709551615,"b":[1.5e3,-0]}') as any;
    expect(v.a).toBeInstanceOf(JsonNumber);
    expect(v.a.text).toBe('18446744073709551615');
    expect(stringifyExact(v)).toBe('{"a":18446744073709551615,"b":[1.5e3,-0]}');
  });
  it('parses sequences and rejects junk', () => {
    expect(parseJsonSequence('{"a":1}\n{"a":2}\n')).toHaveLength(2);
    expect(() => parseJson('{"a":01}')).toThrow();
    expect(() => parseJson('{"a":1,}')).toThrow();
    expect(() => parseJson("{'a':1}")).toThrow();
    expect(() => parseJson('"\u0001"')).toThrow();
    expect((parseJson('{"__proto__":{"x":1}}') as any).__proto__.x.text).toBe('1');
  });
});

describe('SQL lexing for the engine', () => {
  const sql = "SELECT count() AS n, max(tuple(ts, `id`)) AS hi FROM `proj`.tbl -- proj.other\nWHERE name = 'proj.tbl' AND (ts, id) > ('2024-01-01 00:00:00', 5) ORDER BY ts DESC LIMIT 10 SETTINGS a=1, hdx_query_output_format='JSON' FORMAT JSON;";
  it('finds project.table names, not strings or comments', () => {
    const names = twoPartNames(tokenize(sql));
    expect(names.map((n) => [n.first.v, n.second.v, n.tablePosition])).toEqual([['proj', 'tbl', true]]);
    expect(twoPartNames(tokenize('SELECT a.b.c, x.y FROM "p"."t" JOIN q.r ON 1')).map((n) => `${n.first.v}.${n.second.v}:${n.tablePosition}`))
      .toEqual(['a.b:false', 'x.y:false', 'p.t:true', 'q.r:true']);
  });
  it('splits off the trailing SETTINGS and FORMAT clauses', () => {
    const toks = tokenize(sql);
    const tail = queryTail(sql, toks);
    expect(tail.format).toBe('JSON');
    expect(tail.settings).toEqual([{ key: 'a', value: '1', raw: '1' }, { key: 'hdx_query_output_format', value: 'JSON', raw: "'JSON'" }]);
    expect(toks[tail.end - 1].v).toBe('10');
    const sub = 'SELECT * FROM (SELECT 1 SETTINGS max_threads=1) SETTINGS x = -1 FORMAT CSV';
    const t2 = queryTail(sub, tokenize(sub));
    expect(t2.settings).toEqual([{ key: 'x', value: '-1', raw: '-1' }]);
    expect(queryTail('SELECT format FROM t', tokenize('SELECT format FROM t')).format).toBeUndefined();
  });
  it('finds comparison bounds on a column in WHERE clauses only', () => {
    const q = "SELECT ts FROM p.t WHERE t.ts >= '2024-01-01' AND now() > ts AND ts BETWEEN 1 AND 2 + 3 AND (x OR ts = toDateTime('2024-01-02')) ORDER BY ts > 5";
    expect(columnBounds(q, tokenize(q), 'ts')).toEqual([
      { op: '>=', expr: "'2024-01-01'" }, { op: '<', expr: 'now()' }, { op: '>=', expr: '1' }, { op: '<=', expr: '2 + 3' }, { op: '=', expr: "toDateTime('2024-01-02')" },
    ]);
    expect(columnBounds('SELECT ts > 1 FROM p.t', tokenize('SELECT ts > 1 FROM p.t'), 'ts')).toEqual([]);
  });
  it('reports lexical errors with Code 62', () => {
    expect(() => tokenize("SELECT 'unterminated")).toThrow(/Syntax error/);
    expect(() => tokenize('SELECT /* open')).toThrow(/Syntax error/);
  });
});
