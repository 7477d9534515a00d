/**
 * What the API refuses before any route runs, against the real stack: non-JSON bodies (415),
 * browser origins outside CORS_ORIGINS, callers over their rate limit (429), oversized bodies
 * (413, over a real keep-alive socket), and what a 500 may show.
 */
import type { AddressInfo } from 'node:net';
import { request as httpRequest, Agent } from 'node:http';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, MAX_BODY_BYTES } from '../../api/app';
import { OPEN, type SecurityConfig, securityFromEnv } from '../../api/middleware/config';
import { TokenBuckets } from '../../api/middleware/rate-limit';
import '../../connectors';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait';

const TOKEN = 'guards-token-0123456789abcdef';
const TOKEN_2 = 'guards-token-2-0123456789abcdef';
const valid = {
  name: 'guard probe',
  source_type: 'SINGLESTORE',
  source_config: { table: 'guard_probe_src' },
  destination_type: 'POSTGRES',
  destination_config: { table: 'guard_probe_dst' },
};

let temporal: TestTemporal;
const appWith = (security?: SecurityConfig, taskQueue = 'guards-test') =>
  createApp({ client: temporal.client, connection: temporal.connection, taskQueue, security });

async function workflowIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of temporal.client.workflow.list()) ids.push(w.workflowId);
  return ids;
}

async function terminateAll() {
  for (const id of await workflowIds()) await temporal.client.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined);
}

beforeAll(async () => {
  temporal = await startTestTemporal();
});
afterAll(async () => temporal?.stop());

describe('request bodies must be application/json (415)', () => {
  it.each([
    ['text/plain;application/json'],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    ['application/json-patch+json'],
    ['application/jsonx'],
    ['application/json, text/plain'],
  ])('refuses %s with {error, fields} and starts nothing', async (type) => {
    const app = appWith();
    const res = await app.request('/api/migrations', { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(valid) });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: string; fields: Array<{ path: string; message: string }> };
    expect(body.error).toContain('application/json');
    expect(body.fields).toEqual([expect.objectContaining({ path: '(content-type)' })]);
    expect(await workflowIds()).toEqual([]);
  });

  it('refuses a body without a content type, on every write route', async () => {
    const app = appWith();
    for (const [method, path] of [
      ['POST', '/api/migrations'],
      ['POST', '/api/schedules'],
      ['PATCH', '/api/schedules/sched-x'],
      ['POST', '/api/schedules/sched-x/pause'],
    ]) {
      // A Blob without a type: the request carries no content-type header at all.
      const res = await app.request(path, { method, body: new Blob([JSON.stringify(valid)]), headers: { 'content-length': '10' } });
      expect(res.status, `${method} ${path}`).toBe(415);
    }
  });

  it('accepts application/json with parameters, any case', async () => {
    const app = appWith();
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset="UTF-8"']) {
      // An invalid body: the route's own 400 shows the request got past the media type check.
      const res = await app.request('/api/migrations', { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ ...valid, name: '' }) });
      expect(res.status, type).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid migration request' });
    }
  });

  it('lets body-less actions through without a content type', async () => {
    const app = appWith();
    expect((await app.request('/api/migrations/mig-nope/cancel', { method: 'POST' })).status).toBe(404);
    expect((await app.request('/api/schedules/sched-nope/pause', { method: 'POST' })).status).toBe(404);
  });
});

describe('CORS', () => {
  const DASH = 'https://dash.example.com';

  it('sends no CORS headers when CORS_ORIGINS is unset, and refuses cross-origin writes', async () => {
    const app = appWith();
    const get = await app.request('/api/migrations', { headers: { origin: DASH } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await app.request('/api/migrations', { method: 'OPTIONS', headers: { origin: DASH, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    // The body-less POST a page can send with no preflight at all.
    const cancel = await app.request('/api/migrations/mig-nope/cancel', { method: 'POST', headers: { origin: DASH } });
    expect(cancel.status).toBe(403);
    // Same origin (a page the API itself serves) is not cross-site.
    const same = await app.request('http://localhost/api/migrations/mig-nope/cancel', { method: 'POST', headers: { origin: 'http://localhost' } });
    expect(same.status).toBe(404);
  });

  it('answers preflights and requests from listed origins only, never with credentials', async () => {
    const app = appWith({ ...OPEN, tokens: [TOKEN], corsOrigins: [DASH] });
    // A preflight carries no Authorization header: it is answered before authentication.
    const pre = await app.request('/api/migrations', {
      method: 'OPTIONS',
      headers: { origin: DASH, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(DASH);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('vary')).toContain('Origin');

    const get = await app.request('/api/migrations', { headers: { origin: DASH, authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe(DASH);
    expect(get.headers.get('access-control-expose-headers')).toContain('x-request-id');
    // A 401 is readable by the listed page too, so it can ask for a token.
    const denied = await app.request('/api/migrations', { headers: { origin: DASH } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(DASH);

    const evil = 'https://evil.example';
    const evilGet = await app.request('/api/migrations', { headers: { origin: evil, authorization: `Bearer ${TOKEN}` } });
    expect(evilGet.headers.get('access-control-allow-origin')).toBeNull();
    const evilPre = await app.request('/api/migrations', { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
    expect(evilPre.status).toBe(403);
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await app.request('/api/migrations', {
      method: 'POST',
      headers: { origin: evil, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    expect(evilPost.status).toBe(403);
    expect(await workflowIds()).toEqual([]);
  });

  it('allows any origin with "*", still without credentials', async () => {
    const app = appWith({ ...OPEN, corsOrigins: ['*'] });
    const pre = await app.request('/api/migrations', { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('settings from the environment', () => {
  it('defaults: no tokens, no CORS, 600 requests and 20 starts a minute, loopback names only', () => {
    expect(securityFromEnv({})).toEqual({ tokens: [], readTokens: [], corsOrigins: [], ratePerMin: 600, startsPerMin: 20, loopbackHostOnly: true });
    const cfg = securityFromEnv({ API_TOKENS: ` ${TOKEN} ,, ${TOKEN_2}`, CORS_ORIGINS: 'https://Dash.example.com/', RATE_LIMIT_STARTS_PER_MIN: '0' });
    expect(cfg).toMatchObject({ tokens: [TOKEN, TOKEN_2], corsOrigins: ['https://dash.example.com'], startsPerMin: 0, loopbackHostOnly: false });
  });

  it('without tokens answers only requests addressed to a loopback name (DNS rebinding)', async () => {
    const app = appWith(securityFromEnv({}));
    for (const base of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://localhost']) {
      expect((await app.request(`${base}/api/migrations`)).status, base).toBe(200);
    }
    const rebound = await app.request('http://rebind.attacker.example:3000/api/migrations/mig-x/cancel', { method: 'POST' });
    expect(rebound.status).toBe(403);
    expect(await rebound.json()).toMatchObject({ error: expect.stringContaining('localhost') });
    expect((await app.request('http://rebind.attacker.example:3000/api/migrations')).status).toBe(403);
    // With tokens (or an explicit API_ALLOW_UNAUTHENTICATED) any name is fine: the token is the check.
    expect((await appWith(securityFromEnv({ API_ALLOW_UNAUTHENTICATED: 'true' })).request('http://api.internal/api/migrations')).status).toBe(200);
    const withTokens = appWith(securityFromEnv({ API_TOKENS: TOKEN }));
    expect((await withTokens.request('http://api.example.com/api/migrations', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a token spent its budget; other tokens keep theirs', async () => {
    const app = appWith({ ...OPEN, tokens: [TOKEN, TOKEN_2], ratePerMin: 5 });
    const get = (token: string) => app.request('/api/migrations', { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i++) expect((await get(TOKEN)).status).toBe(200);
    const limited = await get(TOKEN);
    expect(limited.status).toBe(429);
    // 5 a minute: one request every 12 s.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(12);
    expect(await limited.json()).toMatchObject({ error: expect.stringContaining('rate limit') });
    expect((await get(TOKEN_2)).status).toBe(200);
  });

  it('counts requests without a valid token against the client address (guessing tokens is limited too)', async () => {
    const app = appWith({ ...OPEN, tokens: [TOKEN], ratePerMin: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/api/migrations', { headers: { authorization: `Bearer guess-${i}-0123456789abcdef` } });
      expect(res.status).toBe(401);
    }
    expect((await app.request('/api/migrations', { headers: { authorization: 'Bearer guess-x-0123456789abcdef' } })).status).toBe(429);
    expect((await app.request('/api/migrations', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('gives migration starts their own, smaller budget', async () => {
    const app = appWith({ ...OPEN, tokens: [TOKEN], ratePerMin: 100, startsPerMin: 2 });
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const start = () => app.request('/api/migrations', { method: 'POST', headers, body: JSON.stringify(valid) });
    expect((await start()).status).toBe(201);
    expect((await start()).status).toBe(201);
    const third = await start();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The same budget covers retries, schedule triggers and backfills.
    expect((await app.request('/api/migrations/mig-x/retry', { method: 'POST', headers })).status).toBe(429);
    expect((await app.request('/api/schedules/sched-x/trigger', { method: 'POST', headers })).status).toBe(429);
    expect((await app.request('/api/schedules/sched-x/backfill', { method: 'POST', headers, body: '{}' })).status).toBe(429);
    // Reads and other writes still answer.
    expect((await app.request('/api/migrations', { headers })).status).toBe(200);
    expect((await app.request('/api/migrations/mig-x/cancel', { method: 'POST', headers })).status).toBe(404);
    await waitFor(async () => ((await workflowIds()).length === 2 ? true : undefined), 10_000, 'two started migrations');
    await terminateAll();
  });

  it('keeps at most the configured number of callers, dropping the least recently seen', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(30); // 2 a minute: the next token in 30 s
    buckets.take('b');
    buckets.take('c');
    buckets.take('a'); // a is now the most recent; b the stalest
    buckets.take('d');
    expect(buckets.size).toBe(3);
    now += 15_000;
    expect(buckets.take('a')).toBe(15); // half a token refilled: still limited, a was kept
    now += 15_000;
    expect(buckets.take('a')).toBe(0);
    for (let i = 0; i < 1000; i++) buckets.take(`k${i}`);
    expect(buckets.size).toBe(3);
  });
});

describe('500s', () => {
  it('carry a request id (body, x-request-id header, log line) and no internal message', async () => {
    // A client whose connection is closed: every Temporal call fails inside the route.
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace: 'default' });
    await connection.close();
    const app = createApp({ client, connection, taskQueue: 'guards-test' });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await app.request('/api/migrations');
      expect(res.status).toBe(500);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['error', 'request_id']);
      expect(body.error).toBe('internal error');
      expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toBe(body.request_id);
      const line = logged.mock.calls.map((args) => args.map(String).join(' ')).find((l) => l.includes(String(body.request_id)));
      expect(line).toBeDefined();
      expect(line).toContain('GET /api/migrations');
      // /healthz says unreachable, without the error's text.
      const health = await app.request('/healthz');
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, temporal: 'unreachable' });
    } finally {
      logged.mockRestore();
    }
  });

  it('every answer has an x-request-id, unique per request', async () => {
    const app = appWith();
    const a = await app.request('/api/migrations');
    const b = await app.request('/nope');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('413 over a real keep-alive socket', () => {
  it('says Connection: close, and the client’s next request on its pool succeeds', async () => {
    const app = appWith();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: Buffer) =>
      new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20);
      const first = await send('POST', '/api/migrations', big);
      expect(first.status).toBe(413);
      expect(first.headers.connection).toBe('close');
      expect(JSON.parse(first.text)).toMatchObject({ error: expect.stringContaining('larger than') });
      // The agent must not reuse the closed socket: the next request on the same pool answers.
      for (let i = 0; i < 3; i++) {
        const next = await send('GET', '/api/migrations');
        expect(next.status).toBe(200);
      }
      // A chunked body (no Content-Length) is cut off once it passes the limit, with the same answer.
      const chunked = await new Promise<{ status: number; connection: unknown }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: '/api/migrations', agent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        for (let i = 0; i < 5; i++) req.write(Buffer.alloc(MAX_BODY_BYTES / 4, 0x20));
        req.end();
      });
      expect(chunked).toEqual({ status: 413, connection: 'close' });
      expect((await send('GET', '/api/migrations')).status).toBe(200);
    } finally {
      agent.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
