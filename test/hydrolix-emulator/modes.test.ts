/** The emulator's real-cluster modes on the wire: lost answers, partition visibility, rejects answered 200, the validator. */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHydrolixEmulator, type EmulatorHandle } from './index';

let emu: EmulatorHandle;
let auth: string;
const basic = `Basic ${Buffer.from('u@x:pw').toString('base64')}`;

const transform = {
  name: 't1',
  type: 'json',
  settings: {
    is_default: true,
    output_columns: [
      { name: 'ts', datatype: { type: 'datetime', primary: true, format: '2006-01-02 15:04:05' } },
      { name: 'id', datatype: { type: 'int64' } },
      { name: 's', datatype: { type: 'string' } },
      { name: 'r', datatype: { type: 'string', default: '' } },
    ],
  },
};

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}${path}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

beforeAll(async () => {
  emu = await startHydrolixEmulator({ users: [{ username: 'u@x', password: 'pw' }], listShape: 'array' });
  const login = await fetch(`${emu.url}/config/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'u@x', password: 'pw' }) });
  auth = `Bearer ${((await login.json()) as any).auth_token.access_token}`;
  const org = emu.state.org.uuid;
  const p = await api('POST', `/config/v1/orgs/${org}/projects/`, { name: 'p' });
  const t = await api('POST', `/config/v1/orgs/${org}/projects/${p.body.uuid}/tables/`, { name: 't', settings: { stream: { cold_data_max_open_seconds: 2, cold_data_max_age_days: 36500 } } });
  expect((await api('POST', `/config/v1/orgs/${org}/projects/${p.body.uuid}/tables/${t.body.uuid}/transforms/`, transform)).status).toBe(201);
});
afterAll(() => emu?.close());

const ingest = (lines: unknown[]) =>
  fetch(`${emu.url}/ingest/event`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-hdx-table': 'p.t' },
    body: gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')),
  });

describe('emulator modes', () => {
  it("an empty field is missing: '' is NULL in a nullable string, the default where one is set", async () => {
    expect((await ingest([{ ts: '2020-01-01 00:00:00', id: 1, s: '', r: '' }])).status).toBe(200);
    expect(emu.state.rows('p', 't').rows.at(-1)).toMatchObject({ id: '1', s: null, r: '' });
  });

  it('store-then-drop stores the rows and closes the connection without an answer; drop stores nothing', async () => {
    const before = emu.state.rows('p', 't').rows.length;
    emu.state.injectFault({ status: 0, kind: 'store-then-drop', path: 'ingest' });
    await expect(ingest([{ ts: '2020-01-01 00:00:00', id: 2 }])).rejects.toThrow();
    expect(emu.state.rows('p', 't').rows.length).toBe(before + 1);
    emu.state.injectFault({ status: 0, kind: 'drop', path: 'ingest' });
    await expect(ingest([{ ts: '2020-01-01 00:00:00', id: 3 }])).rejects.toThrow();
    expect(emu.state.rows('p', 't').rows.length).toBe(before + 1);
    emu.state.injectFault({ status: 502, kind: 'store-then-status', path: 'ingest' });
    expect((await ingest([{ ts: '2020-01-01 00:00:00', id: 4 }])).status).toBe(502);
    expect(emu.state.rows('p', 't').rows.length).toBe(before + 2);
    expect(emu.state.getStats().byStatus).toMatchObject({ dropped: 2, '502': 1 });
  });

  it('partitions mode stamps each row with when its partition closes', async () => {
    emu.state.visibility = 'partitions';
    const t0 = Date.now();
    await ingest([{ ts: '2020-01-01 00:00:00', id: 5 }]);
    await ingest([{ ts: '2020-01-01 00:00:00', id: 6 }]);
    emu.state.visibility = 'immediate';
    const table = emu.state.tableByName('p', 't')!;
    const [a, b] = table.visibleAt!.slice(-2);
    expect(a).toBe(b); // same open cold partition
    expect(a - t0).toBeGreaterThanOrEqual(1900);
    expect(a - t0).toBeLessThan(2500);
  });

  it('rejected rows answered 200 when the cluster mode says so, 207 otherwise', async () => {
    const bad = [{ ts: 'not a time', id: 7 }];
    expect((await ingest(bad)).status).toBe(207);
    emu.state.rejectStatus = 200;
    expect((await ingest(bad)).status).toBe(200);
    emu.state.rejectStatus = 207;
    expect(emu.state.rejects('p', 't').length).toBe(2);
  });

  it('the validator parses sample rows with a transform, reporting failures by row and column', async () => {
    const post = (body: string, test = true) =>
      fetch(`${emu.url}/validator`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', ...(test ? { 'x-hdx-test': 'true' } : {}) }, body });
    expect((await post('{}', false)).status).toBe(400);
    const ok: any = await (await post(JSON.stringify({ transform, data: [{ ts: '2020-01-01 00:00:00', id: 1 }] }))).json();
    expect(ok).toMatchObject({ code: 200, output: [{ id: '1' }] });
    emu.state.parseFailures = [{ column: 'id', pattern: '^9', reason: 'strconv.ParseInt: invalid syntax' }];
    const bad: any = await (await post(`{"transform":${JSON.stringify(transform)},"data":[{"ts":"2020-01-01 00:00:00","id":1},{"ts":"2020-01-01 00:00:00","id":98765432109876543}]}`)).json();
    emu.state.parseFailures = [];
    expect(bad).toMatchObject({ code: 400, errors: [{ row: 1, reason: 'column "id": strconv.ParseInt: invalid syntax' }] });
    expect(emu.state.getStats().ingestRequests).toBeGreaterThan(0);
  });
});
