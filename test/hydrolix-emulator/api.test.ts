import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorHandle, startHydrolixEmulator } from './index';

let h: EmulatorHandle;
let token = '';
let org = '';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(h.url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as any) : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, text, json, headers: res.headers };
}

async function login() {
  token = '';
  const r = await call('POST', '/config/v1/login/', { username: 'admin@example.com', password: 'secret' });
  token = r.json.auth_token.access_token;
  org = r.json.orgs[0].uuid;
}

const TS_FMT = '2006-01-02 15:04:05.000';
const tsNow = (offsetMs = 0) => new Date(Date.now() + offsetMs - 1000).toISOString().replace('T', ' ').slice(0, 23);
const transform = (cols: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'tr', type: 'json', settings: { is_default: true, output_columns: cols }, ...extra });
const primary = { name: 'ts', datatype: { type: 'datetime', primary: true, format: TS_FMT, resolution: 'ms' } };

async function setup(cols: unknown[] = [primary, { name: 'id', datatype: { type: 'uint64' } }, { name: 'name', datatype: { type: 'string' } }]) {
  const p = await call('POST', `/config/v1/orgs/${org}/projects/`, { name: 'proj' });
  const t = await call('POST', `/config/v1/orgs/${org}/projects/${p.json.uuid}/tables/`, { name: 'tbl' });
  const x = await call('POST', `/config/v1/orgs/${org}/projects/${p.json.uuid}/tables/${t.json.uuid}/transforms/`, transform(cols));
  expect(x.status).toBe(201);
  return { project: p.json.uuid as string, table: t.json.uuid as string, tablePath: `/config/v1/orgs/${org}/projects/${p.json.uuid}/tables/${t.json.uuid}` };
}
const ingest = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  call('POST', '/ingest/event', body, { 'content-type': 'application/json', 'x-hdx-table': 'proj.tbl', ...headers });
const query = (sql: string) => call('POST', '/query', sql);

beforeAll(async () => {
  h = await startHydrolixEmulator({ port: 0, tokens: ['svc-token'] });
});
afterAll(async () => h.close());
beforeEach(async () => {
  h.state.reset();
  await login();
});

describe('auth', () => {
  it('login ok and bad', async () => {
    token = '';
    const ok = await call('POST', '/config/v1/login', { username: 'admin@example.com', password: 'secret' });
    expect(ok.status).toBe(200);
    expect(ok.json.auth_token).toMatchObject({ expires_in: 86400, token_type: 'Bearer' });
    expect(ok.json.orgs[0]).toMatchObject({ type: 'singletenant' });
    const bad = await call('POST', '/config/v1/login', { username: 'admin@example.com', password: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.json.detail).toBeTruthy();
  });
  it('requires auth on every API', async () => {
    const saved = token;
    token = '';
    expect((await call('GET', '/config/v1/users/current')).status).toBe(401);
    const q = await call('POST', '/query', 'SELECT 1');
    expect(q.status).toBe(400);
    expect(q.json.error).toMatch(/Code: 516.*AUTHENTICATION_FAILED/);
    expect((await ingest('{}')).status).toBe(401);
    token = 'garbage';
    expect((await call('GET', '/config/v1/users/current')).status).toBe(401);
    token = 'svc-token';
    expect((await call('GET', '/config/v1/users/current/')).status).toBe(200);
    token = saved;
    expect((await call('GET', '/config/v1/users/current')).json.email).toBe('admin@example.com');
    h.state.expireTokens();
    expect((await call('GET', '/config/v1/users/current')).status).toBe(401);
  });
  it('accepts Basic on /query and /ingest/event', async () => {
    await setup();
    token = '';
    const basic = { authorization: 'Basic ' + Buffer.from('admin@example.com:secret').toString('base64') };
    expect((await call('POST', '/query', 'SELECT count() FROM proj.tbl', basic)).text).toBe('0\n');
    expect((await ingest(JSON.stringify({ ts: tsNow(), id: 1 }), basic)).status).toBe(200);
  });
});

describe('config API', () => {
  it('projects: create, duplicate, validation, list shapes, 404, delete', async () => {
    const p = await call('POST', `/config/v1/orgs/${org}/projects`, { name: 'proj', description: 'd' });
    expect(p.status).toBe(201);
    expect(p.json).toMatchObject({ name: 'proj', description: 'd', org });
    for (const k of ['uuid', 'created', 'modified', 'url', 'settings']) expect(p.json).toHaveProperty(k);
    const dup = await call('POST', `/config/v1/orgs/${org}/projects/`, { name: 'proj' });
    expect(dup.status).toBe(400);
    expect(dup.json).toEqual({ name: ['This field must be unique.'] });
    expect((await call('POST', `/config/v1/orgs/${org}/projects/`, { name: 'Bad-Name' })).status).toBe(400);
    expect((await call('POST', `/config/v1/orgs/${org}/projects/`, {})).json).toHaveProperty('name');
    const list = await call('GET', `/config/v1/orgs/${org}/projects/`);
    expect(list.json).toMatchObject({ count: 1, next: null, previous: null });
    expect((await call('GET', `/config/v1/orgs/nope/projects/`)).json).toEqual({ detail: 'Not found.' });
    expect((await call('GET', `/config/v1/orgs/${org}/projects/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    const del = await call('DELETE', `/config/v1/orgs/${org}/projects/${p.json.uuid}/`);
    expect(del.status).toBe(204);
    expect((await call('GET', `/config/v1/orgs/${org}/projects/${p.json.uuid}`)).status).toBe(404);
  });
  it('array list shape is configurable', async () => {
    const h2 = await startHydrolixEmulator({ listShape: 'array' });
    try {
      const l = await fetch(h2.url + '/config/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin@example.com', password: 'secret' }) }).then((r) => r.json() as any);
      const r = await fetch(`${h2.url}/config/v1/orgs/${l.orgs[0].uuid}/projects`, { headers: { authorization: `Bearer ${l.auth_token.access_token}` } });
      expect(await r.json()).toEqual([]);
    } finally {
      await h2.close();
    }
  });
  it('tables: defaults, deep-merge, validation, PATCH, stats', async () => {
    const p = await call('POST', `/config/v1/orgs/${org}/projects/`, { name: 'proj' });
    const base = `/config/v1/orgs/${org}/projects/${p.json.uuid}/tables`;
    const t = await call('POST', base, { name: 'tbl', settings: { stream: { cold_data_max_age_days: 3650 } } });
    expect(t.status).toBe(201);
    expect(t.json.type).toBe('turbine');
    expect(t.json.settings.stream).toMatchObject({ cold_data_max_age_days: 3650, hot_data_max_age_minutes: 3 });
    expect(t.json.settings).toMatchObject({ max_future_days: 0, age: { max_age_days: 0 } });
    expect((await call('POST', base, { name: 'tbl' })).json).toEqual({ name: ['This field must be unique.'] });
    const bad = await call('POST', base, { name: 't2', settings: { stream: { cold_data_max_age_days: '10' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.settings.stream.cold_data_max_age_days).toBeTruthy();
    expect((await call('POST', base, { name: 't3', type: 'nope' })).status).toBe(400);
    const patched = await call('PATCH', `${base}/${t.json.uuid}/`, { settings: { max_future_days: 2, stream: { hot_data_max_age_minutes: 5 } } });
    expect(patched.status).toBe(200);
    expect(patched.json.settings.stream).toMatchObject({ cold_data_max_age_days: 3650, hot_data_max_age_minutes: 5 });
    expect(patched.json.settings.max_future_days).toBe(2);
    expect((await call('GET', `${base}/${t.json.uuid}/stats`)).json).toEqual({ total_rows: 0, total_partitions: 0 });
  });
  it('transforms: validation errors', async () => {
    const p = await call('POST', `/config/v1/orgs/${org}/projects/`, { name: 'proj' });
    const t = await call('POST', `/config/v1/orgs/${org}/projects/${p.json.uuid}/tables/`, { name: 'tbl' });
    const base = `/config/v1/orgs/${org}/projects/${p.json.uuid}/tables/${t.json.uuid}/transforms/`;
    const errOf = async (cols: unknown[]) => {
      const r = await call('POST', base, transform(cols));
      expect(r.status).toBe(400);
      return JSON.stringify(r.json);
    };
    expect(await errOf([{ name: 'a', datatype: { type: 'string' } }])).toMatch(/primary/);
    expect(await errOf([primary, { ...primary, name: 'ts2' }])).toMatch(/found 2/);
    expect(await errOf([primary, { name: 'small', datatype: { type: 'int16' } }])).toMatch(/small.*int16/);
    expect(await errOf([primary, { name: 'd', datatype: { type: 'double', index: true } }])).toMatch(/'d'.*indexed/);
    expect(await errOf([{ name: 'ts', datatype: { type: 'datetime', primary: true, format: TS_FMT, resolution: 'us' } }])).toMatch(/resolution/);
    expect(await errOf([{ name: 'ts', datatype: { type: 'datetime', primary: true } }])).toMatch(/format/);
    expect(await errOf([{ name: 'ts', datatype: { type: 'string', primary: true } }])).toMatch(/primary column must be/);
    expect(await errOf([{ name: 'ts', datatype: { type: 'datetime', primary: true, format: TS_FMT, default: null } }])).toMatch(/not nullable/);
    expect(await errOf([primary, { name: 'a', datatype: { type: 'string' } }, { name: 'a', datatype: { type: 'string' } }])).toMatch(/'a'.*duplicate/);
    expect(await errOf([primary, { name: 'arr', datatype: { type: 'array' } }])).toMatch(/elements/);
    expect(await errOf([])).toMatch(/output_columns/);

    const ok = await call('POST', base, transform([primary]));
    expect(ok.status).toBe(201);
    expect((await call('POST', base, transform([primary]))).json).toEqual({ name: ['This field must be unique.'] });
    const second = await call('POST', base, transform([primary], { name: 'tr2' }));
    expect(second.status).toBe(400); // only one is_default per table
    expect((await call('PATCH', `${base}${ok.json.uuid}`, transform([primary]))).json).toEqual({ detail: 'Method "PATCH" not allowed.' });
    expect((await call('PUT', `${base}${ok.json.uuid}`, transform([primary, { name: 'x', datatype: { type: 'int32' } }]))).status).toBe(200);
    expect((await call('DELETE', `${base}${ok.json.uuid}/`)).status).toBe(204);
  });
});

describe('ingest', () => {
  it('gzip NDJSON and JSON array, exact uint64', async () => {
    await setup();
    const nd = [{ ts: tsNow(), id: '__MAX__', name: 'a' }, { ts: tsNow(), id: 1, name: 'b', ignored_key: 5 }]
      .map((r) => JSON.stringify(r).replace('"__MAX__"', '18446744073709551615')).join('\n');
    const r1 = await ingest(gzipSync(nd), { 'content-encoding': 'gzip' });
    expect(r1.status).toBe(200);
    const arr = `[{"ts":"${tsNow()}","id":9007199254740993,"name":null}]`;
    expect((await ingest(arr)).status).toBe(200);
    const rows = h.state.rows('proj', 'tbl');
    expect(rows.columns).toEqual([
      { name: 'ts', type: 'DateTime64(3)' }, { name: 'id', type: 'Nullable(UInt64)' }, { name: 'name', type: 'Nullable(String)' },
    ]);
    expect(rows.rows.map((r) => r.id)).toEqual(['18446744073709551615', '1', '9007199254740993']);
    expect(rows.rows[2].name).toBeNull();
    const http = await call('GET', '/__emulator/tables/proj/tbl/rows');
    expect(http.json.rows[0].id).toBe('18446744073709551615');
    expect(h.state.getStats()).toMatchObject({ ingestRequests: 2, rowsAccepted: 3, rowsRejected: 0, byStatus: { 200: 2 } });
  });
  it('rejects old primary timestamps with 207 and does not store them', async () => {
    await setup();
    const old = new Date(Date.now() - 400 * 86400_000).toISOString().replace('T', ' ').slice(0, 23);
    const future = tsNow(2 * 86400_000);
    const r = await ingest(JSON.stringify([{ ts: old, id: 1 }, { ts: tsNow(), id: 2 }, { ts: future, id: 3 }, { id: 4 }]));
    expect(r.status).toBe(207);
    expect(r.json).toMatchObject({ accepted: 1, rejected: 3 });
    expect(r.json.reasons[0]).toMatch(/cold_data_max_age_days/);
    expect(h.state.rows('proj', 'tbl').rows.map((x) => x.id)).toEqual(['2']);
    expect(h.state.rejects('proj', 'tbl')).toHaveLength(3);
  });
  it('rejects numeric strings for ints, numbers for strings, out-of-range ints', async () => {
    await setup([primary, { name: 'n', datatype: { type: 'int8' } }, { name: 's', datatype: { type: 'string' } }]);
    const r = await ingest(JSON.stringify([{ ts: tsNow(), n: '5' }, { ts: tsNow(), s: 5 }, { ts: tsNow(), n: 128 }, { ts: tsNow(), n: 1.5 }, { ts: tsNow(), n: -128, s: 'ok' }]));
    expect(r.status).toBe(207);
    expect(r.json).toMatchObject({ accepted: 1, rejected: 4 });
    expect(r.json.reasons.join('\n')).toMatch(/numeric strings/);
  });
  it('epoch primary, booleans, arrays, defaults', async () => {
    await setup([
      { name: 'ts', datatype: { type: 'epoch', primary: true, format: 'ms', resolution: 's' } },
      { name: 'b', datatype: { type: 'boolean' } },
      { name: 'tags', datatype: { type: 'array', elements: [{ type: 'string' }] } },
      { name: 'n', datatype: { type: 'int32', default: 7 } },
    ]);
    const now = Date.now();
    const r = await ingest(JSON.stringify([{ ts: now, b: 'FALSE', tags: ['x'] }, { ts: String(now), b: 'yes', n: 1 }, { ts: now, b: 2 }]));
    expect(r.json).toMatchObject({ accepted: 2, rejected: 1 });
    const rows = h.state.rows('proj', 'tbl');
    expect(rows.rows.map((x) => [x.b, x.n])).toEqual([['0', '7'], ['1', '1']]);
    expect(rows.rows[0].ts).toBe(new Date(Math.floor(now / 1000) * 1000).toISOString().replace('T', ' ').slice(0, 19));
    expect(rows.rows[0].tags).toEqual(['x']);
  });
  it('request-level errors', async () => {
    await setup();
    expect((await ingest('{}', { 'x-hdx-table': 'proj.nope' })).status).toBe(404);
    expect((await ingest('{}', { 'x-hdx-table': 'nope.tbl' })).status).toBe(404);
    expect((await ingest('{}', { 'x-hdx-table': '' })).status).toBe(400);
    expect((await ingest('{}', { 'x-hdx-transform': 'missing' })).status).toBe(404);
    expect((await ingest('{not json')).status).toBe(400);
    expect((await ingest(Buffer.from('not gzip'), { 'content-encoding': 'gzip' })).status).toBe(400);
    expect((await ingest('{}', { 'content-encoding': 'br' })).status).toBe(415);
    expect((await ingest('a,b', { 'content-type': 'text/csv' })).status).toBe(415);
    const viaQuery = await call('POST', `/ingest/event?table=proj.tbl&transform=tr`, JSON.stringify({ ts: tsNow(), id: 1 }), { 'content-type': 'application/json' });
    expect(viaQuery.status).toBe(200);
  });
  it('fault injection: 503 twice then 200, nothing stored while faulted', async () => {
    await setup();
    const f = await call('POST', '/__emulator/faults', { status: 503, count: 2, retryAfterSeconds: 1 });
    expect(f.status).toBe(200);
    const body = JSON.stringify({ ts: tsNow(), id: 7 });
    const a = await ingest(body);
    expect(a.status).toBe(503);
    expect(a.headers.get('retry-after')).toBe('1');
    expect((await ingest(body)).status).toBe(503);
    expect((await ingest(body)).status).toBe(200);
    expect(h.state.rows('proj', 'tbl').rows).toHaveLength(1);
    const stats = (await call('GET', '/__emulator/stats')).json;
    expect(stats).toMatchObject({ ingestRequests: 3, faultsInjected: 2, rowsAccepted: 1, byStatus: { 503: 2, 200: 1 } });
    h.state.injectFault({ status: 500, path: 'config' });
    expect((await call('GET', '/config/v1/users/current')).status).toBe(500);
    expect((await call('GET', '/config/v1/users/current')).status).toBe(200);
  });
  it('propagation delay hides new tables from ingest', async () => {
    h.state.propagationDelayMs = 300;
    await setup();
    const body = JSON.stringify({ ts: tsNow(), id: 1 });
    expect((await ingest(body)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 350));
    expect((await ingest(body)).status).toBe(200);
    h.state.propagationDelayMs = 0;
  });
});

describe('query', () => {
  it('count/max(tuple) with tuple range predicates, FORMAT JSON', async () => {
    await setup();
    const empty = await query('SELECT count() AS n, max((ts, id)) AS hi FROM proj.tbl FORMAT JSON');
    expect(empty.status).toBe(200);
    expect(empty.json.data).toEqual([{ n: '0', hi: ['1970-01-01 00:00:00.000', null] }]);
    expect(empty.json.meta).toEqual([{ name: 'n', type: 'UInt64' }, { name: 'hi', type: 'Tuple(DateTime64(3), Nullable(UInt64))' }]);

    const t0 = Date.now() - 60_000;
    const ts = (i: number) => new Date(t0 + Math.floor(i / 2) * 1000).toISOString().replace('T', ' ').slice(0, 23);
    const big = 18446744073709551610n;
    const rows = Array.from({ length: 6 }, (_, i) => `{"ts":"${ts(i)}","id":${big + BigInt(i)},"name":"r${i}"}`);
    expect((await ingest(rows.join('\n'))).status).toBe(200);

    const all = await query('SELECT count() AS n, max(tuple(ts, id)) AS hi, min((ts, id)) AS lo FROM proj.tbl FORMAT JSON');
    expect(all.json.rows).toBe(1);
    expect(all.json.data[0]).toEqual({ n: '6', hi: [ts(5), (big + 5n).toString()], lo: [ts(0), big.toString()] });

    // keyset page: strictly after (ts(2), big+2), exact 64-bit comparison
    const page = await query(`SELECT ts, id, name FROM proj.tbl WHERE (ts, id) > ('${ts(2)}', ${big + 2n}) AND (ts, id) <= ('${ts(5)}', ${big + 5n}) ORDER BY ts, id LIMIT 2 FORMAT JSON`);
    expect(page.status).toBe(200);
    expect(page.json.data).toEqual([
      { ts: ts(3), id: (big + 3n).toString(), name: 'r3' },
      { ts: ts(4), id: (big + 4n).toString(), name: 'r4' },
    ]);
    const each = await query(`SELECT id FROM proj.tbl WHERE id = ${big + 1n} FORMAT JSONEachRow`);
    expect(each.text).toBe(`{"id":"${big + 1n}"}\n`);
    // default output is CSV
    expect((await query(`SELECT count(), max(id) FROM proj.tbl WHERE name != 'r0' AND name IS NOT NULL`)).text).toBe(`5,${big + 5n}\n`);
    expect((await query('SELECT name FROM proj.tbl ORDER BY id DESC LIMIT 1 FORMAT CSVWithNames')).text).toBe('"name"\n"r5"\n');
    expect((await call('GET', '/query?query=' + encodeURIComponent('SELECT count() FROM proj.tbl'))).text).toBe('6\n');
  });
  it('query errors', async () => {
    await setup();
    const e1 = await query('SELECT count() FROM proj.nope');
    expect(e1.status).toBe(400);
    expect(e1.json.error).toMatch(/Code: 60.*UNKNOWN_TABLE/);
    expect(e1.json.query).toBe('SELECT count() FROM proj.nope');
    expect((await query('SELECT nope FROM proj.tbl')).json.error).toMatch(/Code: 47/);
    expect((await query('SELEC 1')).json.error).toMatch(/Code: 62/);
    expect((await query('SELECT id, count() FROM proj.tbl')).json.error).toMatch(/Code: 215/);
    // Real ClickHouse converts the literal only when it reads a part: an empty table answers.
    expect((await query("SELECT count() FROM proj.tbl WHERE id > 'abc'")).text).toBe('0\n');
    expect((await ingest(JSON.stringify({ ts: tsNow(), id: 1 }))).status).toBe(200);
    const mismatch = await query("SELECT count() FROM proj.tbl WHERE id > 'abc'");
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error).toMatch(/Code: 53.*TYPE_MISMATCH/);
    expect(mismatch.json.error).not.toMatch(/hdx_emulator|t_[0-9a-f]{32}/);
  });
});

describe('query engine (real ClickHouse)', () => {
  const rowsAt = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `{"ts":"${tsNow(-60_000 + (from + i) * 1000)}","id":${from + i},"name":"r${from + i}"}`).join('\n');
  it('aggregates over no rows give defaults, 64-bit integers are quoted, tuples compare element-wise', async () => {
    await setup();
    const empty = await query('SELECT count() AS n, sum(id) AS s, max(id) AS m, max(tuple(ts, id)) AS k, uniqExact(id) AS u FROM proj.tbl FORMAT JSONEachRow');
    expect(empty.json).toEqual({ n: '0', s: null, m: null, k: ['1970-01-01 00:00:00.000', null], u: '0' });
    expect((await ingest(rowsAt(5))).status).toBe(200);
    const r = await query("SELECT count() AS n, sum(DISTINCT toInt128(id)) AS s, toUInt32(7) AS small FROM proj.tbl WHERE tuple(id, name) > tuple(1, 'r1') AND (id, name) <= (3, 'r3') FORMAT JSONEachRow");
    expect(r.json).toEqual({ n: '2', s: '5', small: 7 });
  });
  it('every column type loads into the engine with the type Hydrolix gives it', async () => {
    await setup([
      primary,
      { name: 'i8', datatype: { type: 'int8' } }, { name: 'i64', datatype: { type: 'int64' } }, { name: 'u32', datatype: { type: 'uint32', default: 3 } },
      { name: 'd', datatype: { type: 'double' } }, { name: 'b', datatype: { type: 'boolean' } }, { name: 'u', datatype: { type: 'uuid' } },
      { name: 'ip', datatype: { type: 'ip' } }, { name: 'j', datatype: { type: 'json' } },
      { name: 'd64', datatype: { type: 'datetime64', format: '2006-01-02', resolution: 's' } },
      { name: 'e', datatype: { type: 'epoch', format: 's', resolution: 's' } },
      { name: 'arr', datatype: { type: 'array', elements: [{ type: 'int32' }] } },
      { name: 'm', datatype: { type: 'map', elements: [{ type: 'string' }, { type: 'double' }] } },
    ]);
    const full = { ts: tsNow(), i8: -128, i64: '__I64__', d: 1.5, b: 'false', u: '6BA7B810-9DAD-11D1-80B4-00C04FD430C8', ip: '::1', j: { k: [1, 'x'] }, d64: '1901-02-03', e: 1700000000, arr: [1, null], m: { a: 2.5 } };
    const body = `${JSON.stringify(full).replace('"__I64__"', '-9223372036854775808')}\n${JSON.stringify({ ts: tsNow() })}`;
    expect((await ingest(body)).status).toBe(200);
    const types = (await query('DESCRIBE proj.tbl FORMAT JSONEachRow')).text.trim().split('\n').map((l) => { const r = JSON.parse(l); return `${r.name} ${r.type}`; });
    expect(types).toEqual([
      'ts DateTime64(3)', 'i8 Nullable(Int8)', 'i64 Nullable(Int64)', 'u32 UInt32', 'd Nullable(Float64)', 'b Nullable(UInt8)', 'u Nullable(UUID)',
      'ip Nullable(IPv6)', 'j Nullable(JSON)', 'd64 Nullable(DateTime64(0))', 'e Nullable(DateTime)', 'arr Array(Nullable(Int32))', 'm Map(String, Nullable(Float64))',
    ]);
    const rows = (await query('SELECT * EXCEPT ts FROM proj.tbl ORDER BY i8 NULLS LAST FORMAT JSONEachRow')).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).toEqual({
      i8: -128, i64: '-9223372036854775808', u32: 3, d: 1.5, b: 0, u: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', ip: '::1', j: { k: ['1', 'x'] },
      d64: '1901-02-03 00:00:00', e: '2023-11-14 22:13:20', arr: [1, null], m: { a: 2.5 },
    });
    expect(rows[1]).toEqual({ i8: null, i64: null, u32: 3, d: null, b: null, u: null, ip: null, j: null, d64: null, e: null, arr: [], m: {} });
  });
  it('named tuples (ClickHouse 24.8) print max(tuple(…)) as an object', async () => {
    await setup();
    expect((await ingest(rowsAt(3))).status).toBe(200);
    const sql = 'SELECT max(tuple(ts, id)) AS k FROM proj.tbl FORMAT JSONEachRow';
    expect(Array.isArray((await query(sql)).json.k)).toBe(true);
    const last = (await query('SELECT max(ts) AS t FROM proj.tbl FORMAT JSONEachRow')).json.t;
    h.state.namedTuples = true;
    try {
      expect((await query(sql)).json.k).toEqual({ ts: last, id: '2' });
    } finally {
      h.state.namedTuples = false;
    }
  });
  it('hdx_query_timerange_required and hdx_query_max_timerange_sec, with SQL settings over table defaults', async () => {
    const { tablePath } = await setup();
    expect((await ingest(rowsAt(3))).status).toBe(200);
    const patch = await call('PATCH', tablePath, { settings: { default_query_options: { hdx_query_timerange_required: true, hdx_query_max_timerange_sec: 3600 } } });
    expect(patch.status).toBe(200);
    const none = await query('SELECT count() FROM proj.tbl');
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/^HdxStorageError hdx_query_timerange_required is set to true. Your query needs a time range filter/);
    const open = await query("SELECT count() FROM proj.tbl WHERE `ts` >= '1970-01-01 00:00:00'");
    expect(open.json.error).toMatch(/^HdxStorageError Maximum time range exceeded for query: unbounded \(maximum is 3600\)/);
    const wide = await query("SELECT count() FROM proj.tbl WHERE ts BETWEEN now() - INTERVAL 2 HOUR AND now()");
    expect(wide.json.error).toMatch(/Maximum time range exceeded for query: 7200 seconds \(maximum is 3600\)/);
    expect((await query("SELECT count() FROM proj.tbl WHERE ts > now() - INTERVAL 30 MINUTE AND ts <= now()")).text).toBe('3\n');
    // SQL settings win over the table's defaults (doc §6), and are not passed on to ClickHouse.
    const lifted = await query("SELECT count() FROM proj.tbl WHERE `ts` >= '1970-01-01 00:00:00' AND `ts` <= '2106-02-07 06:28:15' SETTINGS hdx_query_max_timerange_sec = 0 FORMAT JSON");
    expect(lifted.status).toBe(200);
    expect(lifted.json.data).toEqual([{ 'count()': '3' }]);
    const header = await call('POST', '/query', "SELECT count() FROM proj.tbl WHERE ts > now() - INTERVAL 1 DAY", { 'x-hdx-query-settings': 'hdx_query_max_timerange_sec=0' });
    expect(header.text).toBe('3\n');
    // The org level is the lowest.
    expect((await call('PUT', tablePath, { name: 'tbl', settings: { stream: { cold_data_max_age_days: 365 } } })).json.settings.default_query_options).toEqual({});
    h.state.queryOptions = { hdx_query_timerange_required: true };
    try {
      expect((await query('SELECT count() FROM proj.tbl')).json.error).toMatch(/hdx_query_timerange_required/);
      expect((await query('SELECT count() FROM proj.tbl SETTINGS hdx_query_timerange_required = false')).text).toBe('3\n');
    } finally {
      h.state.queryOptions = {};
    }
  });
  it('output formats, settings passed to ClickHouse, and the rows as they become queryable', async () => {
    await setup();
    expect((await ingest(rowsAt(4))).status).toBe(200);
    expect((await call('POST', '/query?hdx_query_output_format=TSVWithNames', 'SELECT id, name FROM proj.tbl ORDER BY id LIMIT 2')).text).toBe('id\tname\n0\tr0\n1\tr1\n');
    expect((await query('SELECT count() FROM proj.tbl SETTINGS hdx_query_output_format = \'JSONEachRow\'')).json).toEqual({ 'count()': '4' });
    const limited = await query('SELECT id FROM proj.tbl SETTINGS max_result_rows = 1, result_overflow_mode = \'throw\'');
    expect(limited.json.error).toMatch(/Code: 396/);
    // Rows stamped as not yet visible stay out of query results until their time comes.
    const t = h.state.tableByName('proj', 'tbl')!;
    t.visibleAt = t.rows.map(() => 0);
    expect((await ingest(rowsAt(2, 4))).status).toBe(200);
    t.visibleAt.splice(4, 2, Date.now() + 400, Date.now() + 400);
    expect((await query('SELECT count() FROM proj.tbl')).text).toBe('4\n');
    await new Promise((r) => setTimeout(r, 450));
    expect((await query('SELECT count(), max(id) FROM proj.tbl')).text).toBe('6,5\n');
  });
  it('is read-only, names tables as the query did, and follows table changes', async () => {
    const { tablePath, project } = await setup();
    await call('POST', `/config/v1/orgs/${org}/projects/${project}/tables/`, { name: 'bare' });
    expect((await query('SELECT count() FROM proj.bare')).json.error).toMatch(/Code: 60.*no transform/);
    expect((await ingest(rowsAt(2))).status).toBe(200);
    for (const sql of ['INSERT INTO proj.tbl (id) VALUES (1)', 'DROP TABLE proj.tbl', "SELECT 1 INTO OUTFILE '/tmp/x'"]) {
      const r = await query(sql);
      expect(r.status).toBe(400);
      expect(r.json.error).toMatch(/Code: 164.*READONLY/);
    }
    expect((await query('SELECT 1 FROM nope.tbl')).json.error).toMatch(/Code: 81.*UNKNOWN_DATABASE/);
    const e = await query('SELECT nope FROM `proj`.`tbl` AS t');
    expect(e.json.error).toMatch(/Code: 47.*proj\.tbl/);
    expect(e.json.error).not.toMatch(/hdx_emulator|t_[0-9a-f]{32}/);
    // A string that looks like a table name is left alone.
    expect((await query("SELECT 'proj.tbl' AS s, count() FROM proj.tbl FORMAT CSV")).text).toBe('"proj.tbl",2\n');
    // A new transform column, a renamed table, a deleted one.
    const tr = (await call('GET', `${tablePath}/transforms/`)).json.results[0];
    await call('PUT', `${tablePath}/transforms/${tr.uuid}`, transform([primary, { name: 'id', datatype: { type: 'uint64' } }, { name: 'name', datatype: { type: 'string' } }, { name: 'extra', datatype: { type: 'int32', default: 5 } }]));
    expect((await ingest(JSON.stringify({ ts: tsNow(), id: 9, extra: 1 }))).status).toBe(200);
    expect((await query('SELECT count(), sum(extra) FROM proj.tbl')).text).toBe('3,1\n');
    await call('PATCH', tablePath, { name: 'renamed' });
    expect((await query('SELECT count() FROM proj.renamed')).text).toBe('3\n');
    expect((await query('SELECT count() FROM proj.tbl')).json.error).toMatch(/Code: 60.*UNKNOWN_TABLE/);
    expect((await call('DELETE', tablePath)).status).toBe(204);
    expect((await query('SELECT count() FROM proj.renamed')).json.error).toMatch(/Code: 60/);
  });
});

describe('misc', () => {
  it('version and trailing slashes', async () => {
    const v = await call('GET', '/version');
    expect(v.status).toBe(200);
    expect(v.text).toMatch(/emulator/);
    expect((await call('GET', `/config/v1/orgs/${org}/projects`)).status).toBe(200);
  });
});
