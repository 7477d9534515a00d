import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import { HydrolixAuth } from './auth';
import { readHydrolixSettings } from './config';
import { HydrolixDestination } from './destination';
import { HttpClient, OutcomeUnknown, backoffMs, isUnknownOutcomeStatus } from './http';
import { settingsFor } from './test-helpers';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function stub(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('retry policy', () => {
  it('retries 503 and 429 (honouring Retry-After), then succeeds', async () => {
    const seen: number[] = [];
    const script = [503, 429, 200];
    const url = await stub((_req, res) => {
      const status = script[seen.length];
      seen.push(Date.now());
      reply(res, status, status === 200 ? { ok: true } : { detail: 'busy' }, status === 429 ? { 'retry-after': '1' } : {});
    });
    const http = new HttpClient(url, { maxRetries: 5, baseMs: 1 });
    const res = await http.send({ method: 'POST', path: '/ingest/event', what: 'ingest', body: 'x' });
    await http.close();
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(seen[2] - seen[1]).toBeGreaterThanOrEqual(950); // Retry-After: 1 beats the 2 ms backoff
  });

  it('does not retry a 400 and reports status + detail', async () => {
    let calls = 0;
    const url = await stub((_req, res) => {
      calls++;
      reply(res, 400, { detail: '  bad   transform \n' });
    });
    const http = new HttpClient(url, { maxRetries: 5, baseMs: 1 });
    const auth = new HydrolixAuth(http, settingsFor(url, { token: 'tok-SECRET', username: undefined, password: undefined }));
    const err = await auth.expect({ method: 'POST', path: '/query', what: 'query epic_shelter.t', body: 'SELECT 1' }).catch((e) => e);
    await http.close();
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe('Hydrolix query epic_shelter.t failed: HTTP 400 (request refused)');
    expect(calls).toBe(1);
  });

  it('gives up after maxRetries with a retryable (non-permanent) error', async () => {
    let calls = 0;
    const url = await stub((_req, res) => {
      calls++;
      reply(res, 502, 'bad gateway');
    });
    const auth = new HydrolixAuth(new HttpClient(url, { maxRetries: 2, baseMs: 1 }), settingsFor(url, { token: 't0k', username: undefined, password: undefined }));
    const err = await auth.expect({ method: 'GET', path: '/x', what: 'probe' }).catch((e) => e);
    expect(calls).toBe(3);
    expect(err).not.toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/HTTP 502/);
  });

  it('retries connection refused', async () => {
    const url = await stub(() => {});
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    let sleeps = 0;
    const http = new HttpClient(url, { maxRetries: 2, baseMs: 1 }, [], async () => void sleeps++);
    await expect(http.send({ method: 'GET', path: '/version', what: 'version probe' })).rejects.toThrow(/ECONNREFUSED/);
    expect(sleeps).toBe(2);
  });

  it('a request that must not run twice is never retried once it may have been processed', async () => {
    let calls = 0;
    const url = await stub((req) => {
      calls++;
      req.socket.destroy(); // the answer is lost
    });
    const http = new HttpClient(url, { maxRetries: 3, baseMs: 1 });
    await expect(http.send({ method: 'POST', path: '/ingest/event', what: 'ingest', body: 'x', idempotent: false })).rejects.toBeInstanceOf(OutcomeUnknown);
    expect(calls).toBe(1);
    await expect(http.send({ method: 'POST', path: '/query', what: 'query', body: 'x' })).rejects.toThrow(/UND_ERR_SOCKET|ECONNRESET/);
    expect(calls).toBe(5); // an idempotent request is retried as before
    const statuses: number[] = [502, 429, 200];
    const url2 = await stub((_req, res) => {
      const status = statuses.shift()!;
      reply(res, status, {}, status === 429 ? { 'retry-after': '0' } : {});
    });
    const http2 = new HttpClient(url2, { maxRetries: 3, baseMs: 1 });
    expect((await http2.send({ method: 'POST', path: '/ingest/event', what: 'ingest', body: 'x', idempotent: false })).status).toBe(502); // handed back, not retried
    expect((await http2.send({ method: 'POST', path: '/ingest/event', what: 'ingest', body: 'x', idempotent: false })).status).toBe(200); // 429 retried
    await http.close();
    await http2.close();
  });

  it('tells refusals from statuses that may follow a stored body', () => {
    expect([500, 502, 504, 503].map((s) => isUnknownOutcomeStatus(s))).toEqual([true, true, true, true]);
    expect(isUnknownOutcomeStatus(503, { 'retry-after': '2' })).toBe(false);
    expect([429, 408, 400, 404, 501, 200].map((s) => isUnknownOutcomeStatus(s))).toEqual([false, false, false, false, false, false]);
  });

  it('backs off exponentially, capped at 60 s', () => {
    const p = { maxRetries: 20, baseMs: 1000 };
    expect([0, 1, 2, 3].map((a) => backoffMs(a, p))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(10, p)).toBe(60_000);
    expect(backoffMs(0, p, '3')).toBe(3000);
    expect(backoffMs(0, p, '9999')).toBe(60_000);
  });
});

describe('auth', () => {
  it('never puts the password in a failed login message', async () => {
    const url = await stub((_req, res, body) => reply(res, 401, { detail: `Invalid credentials for ${body}` }));
    const dest = new HydrolixDestination(settingsFor(url));
    const err = await dest.testConnection().catch((e) => e);
    await dest.disconnect();
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).not.toContain(new URL(url).host);
    expect(err.message).toContain('401');
    expect(err.message).not.toContain('hunter2-SECRET');
  });

  it('logs in again after a 401 and at 95% of expires_in', async () => {
    let logins = 0;
    let clock = 0;
    const url = await stub((req, res) => {
      if (req.url === '/config/v1/login') {
        logins++;
        return reply(res, 200, { uuid: 'u', orgs: [{ uuid: 'org1' }], auth_token: { access_token: `tok${logins}`, expires_in: 100, token_type: 'Bearer' } });
      }
      if (req.headers.authorization === 'Bearer tok1' && req.url === '/stale') return reply(res, 401, { detail: 'expired' });
      reply(res, 200, { auth: req.headers.authorization });
    });
    const settings = settingsFor(url);
    const auth = new HydrolixAuth(new HttpClient(url, { maxRetries: 0, baseMs: 1 }), settings, () => clock);
    expect(JSON.parse((await auth.expect({ method: 'GET', path: '/ok', what: 'x' })).text).auth).toBe('Bearer tok1');
    expect(await auth.orgId()).toBe('org1');
    expect(JSON.parse((await auth.expect({ method: 'GET', path: '/stale', what: 'x' })).text).auth).toBe('Bearer tok2');
    clock = 94_000;
    await auth.expect({ method: 'GET', path: '/ok', what: 'x' });
    expect(logins).toBe(2);
    clock = 96_000 + 94_000;
    expect(JSON.parse((await auth.expect({ method: 'GET', path: '/ok', what: 'x' })).text).auth).toBe('Bearer tok3');
  });

  it('validates a static token with /users/current and reports the version', async () => {
    const url = await stub((req, res) => {
      if (req.headers.authorization !== 'Bearer tok-SECRET') return reply(res, 401, { detail: 'no' });
      if (req.url === '/config/v1/users/current') return reply(res, 200, { email: 'a@b' });
      if (req.url === '/version') return reply(res, 200, 'v5.2.1', { 'content-type': 'text/plain' });
      reply(res, 404, { detail: 'Not found.' });
    });
    const dest = new HydrolixDestination(settingsFor(url, { token: 'tok-SECRET', username: undefined, password: undefined }));
    expect((await dest.testConnection()).server).toBe(`Hydrolix v5.2.1 (${new URL(url).host})`);
    await dest.disconnect();
  });
});

describe('config', () => {
  it('reads env with defaults and names missing vars', () => {
    const s = readHydrolixSettings({ HYDROLIX_URL: 'https://h.example/', HYDROLIX_TOKEN: 't' });
    expect(s).toMatchObject({ url: 'https://h.example', project: 'epic_shelter', maxRequestBytes: 4194304, validateRows: 100, maxRetries: 8, retryBaseMs: 1000 });
    expect(s.visibilityWaitMs).toBeUndefined(); // derived from the table's settings
    expect(readHydrolixSettings({ HYDROLIX_URL: 'http://x', HYDROLIX_TOKEN: 't', HYDROLIX_VISIBILITY_WAIT_MS: '0' }).visibilityWaitMs).toBe(0);
    expect(() => readHydrolixSettings({})).toThrow(/HYDROLIX_URL/);
    expect(() => readHydrolixSettings({ HYDROLIX_URL_EU: 'http://x', HYDROLIX_USERNAME_EU: 'u' }, 'eu')).toThrow(/HYDROLIX_PASSWORD_EU/);
    expect(() => readHydrolixSettings({ HYDROLIX_URL: 'http://x', HYDROLIX_TOKEN: 't', HYDROLIX_MAX_RETRIES: 'x' })).toThrow(/HYDROLIX_MAX_RETRIES/);
  });
});
