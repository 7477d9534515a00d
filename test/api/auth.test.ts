/**
 * Bearer tokens against the real stack: without a valid token nothing under /api answers
 * (and nothing starts); read-only tokens read; /healthz stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { OPEN } from '../../api/middleware/config';
import '../../connectors';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait';

const FULL = 'full-token-0123456789abcdef';
const OTHER_FULL = 'second-full-token-fedcba9876543210';
const READ = 'read-token-0123456789abcdef';

const valid = {
  name: 'auth probe',
  source_type: 'SINGLESTORE',
  source_config: { table: 'auth_probe_src' },
  destination_type: 'POSTGRES',
  destination_config: { table: 'auth_probe_dst' },
};

let temporal: TestTemporal;
let app: ReturnType<typeof createApp>;

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of temporal.client.workflow.list()) n++;
  return n;
}

const post = (path: string, headers: Record<string, string>, body?: unknown) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  temporal = await startTestTemporal();
  app = createApp({
    client: temporal.client,
    connection: temporal.connection,
    taskQueue: 'auth-test',
    security: { ...OPEN, tokens: [FULL, OTHER_FULL], readTokens: [READ] },
  });
});
afterAll(async () => temporal?.stop());

describe('with API_TOKENS configured', () => {
  it('answers 401 with WWW-Authenticate to a request without a token, and starts nothing', async () => {
    const res = await post('/api/migrations', {}, valid);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="epic-shelter"');
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('Bearer') });
    for (const path of ['/api/migrations', '/api/schedules', '/api/migrations/mig-x']) {
      expect((await app.request(path)).status).toBe(401);
    }
    expect(await workflowCount()).toBe(0);
  });

  it.each([
    ['a wrong token of the same length', `Bearer ${FULL.replace('f', 'g')}`],
    ['a prefix of a valid token', `Bearer ${FULL.slice(0, -1)}`],
    ['a valid token plus a suffix', `Bearer ${FULL}x`],
    ['an empty bearer', 'Bearer '],
    ['a valid token as Basic', `Basic ${FULL}`],
    ['two tokens', `Bearer ${READ} ${FULL}`],
  ])('refuses %s (401, invalid_token)', async (_label, authorization) => {
    const res = await post('/api/migrations', { authorization }, valid);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="epic-shelter"/);
    expect(await res.text()).not.toContain(FULL);
    expect(await workflowCount()).toBe(0);
  });

  it('lets every full token read and write (the scheme is case-insensitive)', async () => {
    for (const authorization of [`Bearer ${FULL}`, `bearer ${OTHER_FULL}`]) {
      expect((await app.request('/api/migrations', { headers: { authorization } })).status).toBe(200);
      // Reaches validation: a bad body is the route's 400, not the middleware's 401/403.
      const res = await post('/api/migrations', { authorization }, { ...valid, name: '' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid migration request' });
    }
  });

  it('lets a read-only token GET, and answers 403 to its writes without acting', async () => {
    const authorization = `Bearer ${READ}`;
    expect((await app.request('/api/migrations', { headers: { authorization } })).status).toBe(200);
    expect((await app.request('/api/schedules', { headers: { authorization } })).status).toBe(200);
    expect((await app.request('/api/migrations/mig-nope', { headers: { authorization } })).status).toBe(404);
    const started = await post('/api/migrations', { authorization }, valid);
    expect(started.status).toBe(403);
    expect(await started.json()).toMatchObject({ error: expect.stringContaining('read-only') });
    expect((await app.request('/api/migrations/mig-nope/cancel', { method: 'POST', headers: { authorization } })).status).toBe(403);
    expect((await app.request('/api/schedules/sched-nope', { method: 'DELETE', headers: { authorization } })).status).toBe(403);
    expect((await app.request('/api/schedules/sched-nope/trigger', { method: 'POST', headers: { authorization } })).status).toBe(403);
    expect(await workflowCount()).toBe(0);
  });

  it('starts a migration with a full token', async () => {
    const res = await post('/api/migrations', { authorization: `Bearer ${FULL}` }, valid);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await waitFor(async () => ((await workflowCount()) === 1 ? true : undefined), 10_000, 'the started migration to be listed');
    await temporal.client.workflow.getHandle(id).terminate('test cleanup');
  });

  it('keeps /healthz open', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });
});

describe('without tokens (createApp with no security settings)', () => {
  it('is open, as the loopback-only API started without API_TOKENS', async () => {
    const open = createApp({ client: temporal.client, connection: temporal.connection, taskQueue: 'auth-test' });
    expect((await open.request('/api/migrations')).status).toBe(200);
  });
});
