/**
 * `npm run api` as a real process: where it listens and what it says, by configuration.
 * Without tokens it is reachable from this machine only; a network HOST needs tokens (or an
 * explicit API_ALLOW_UNAUTHENTICATED=true); bad settings stop it before it connects anywhere.
 */
import type { ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, stopProcess, waitForExit } from '../../scripts/lib/processes';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait';

const TOKEN = 'listen-token-0123456789abcdef';
/** An address of this machine that is not loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let temporal: TestTemporal;
const children: ChildProcess[] = [];

function startApi(extra: NodeJS.ProcessEnv) {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: 'listen-test', ...extra };
  for (const k of ['API_TOKENS', 'API_READ_TOKENS', 'HOST', 'API_ALLOW_UNAUTHENTICATED', 'CORS_ORIGINS']) if (!(k in extra)) delete env[k];
  const child = spawnTs('api/main.ts', env, ['ignore', 'pipe', 'pipe']);
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  return { child, out };
}

/** What the process said, line by line: the `msg` of its JSON log lines (plain lines as they are), stdout and stderr. */
function said(out: { stdout: string; stderr: string }): string[] {
  return (out.stdout + out.stderr)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      try {
        return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
      } catch {
        return line;
      }
    });
}

async function reachable(url: string, headers: Record<string, string> = {}): Promise<number | 'refused'> {
  try {
    return (await fetch(url, { headers })).status;
  } catch {
    return 'refused';
  }
}

beforeAll(async () => {
  temporal = await startTestTemporal();
});
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  await temporal?.stop();
});

describe('the API process', () => {
  it('without tokens listens on 127.0.0.1 only and says so in one line', async () => {
    const port = await freePort();
    const { child, out } = startApi({ PORT: String(port) });
    await waitFor(async () => (out.stdout.includes('listening') ? true : undefined), 60_000, 'the start line');
    expect(said(out).filter((m) => m.startsWith('API listening'))).toEqual([
      `API listening on http://127.0.0.1:${port} — NO authentication (no API_TOKENS): reachable from this machine only`,
    ]);
    expect(await reachable(`http://127.0.0.1:${port}/api/migrations`)).toBe(200);
    if (external) expect(await reachable(`http://${external}:${port}/api/migrations`)).toBe('refused');
    // A page whose host name now resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host.
    const rebound = await new Promise<number>((resolve, reject) =>
      httpGet({ host: '127.0.0.1', port, path: '/api/migrations', headers: { host: `rebind.attacker.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject),
    );
    expect(rebound).toBe(403);
    await stopProcess(child);
  });

  it('refuses a network HOST without tokens, naming what to set, before connecting to Temporal', async () => {
    const { child, out } = startApi({ HOST: '0.0.0.0', PORT: String(await freePort()), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(await waitForExit(child)).toBe(1);
    const text = said(out).join('\n');
    expect(text).toContain('refusing to listen on 0.0.0.0 without authentication');
    expect(text).toContain('API_TOKENS');
    expect(text).toContain('API_ALLOW_UNAUTHENTICATED=true');
  });

  it.each([
    [{ API_TOKENS: 'short' }, 'at least 16 characters'],
    [{ API_TOKENS: TOKEN, API_READ_TOKENS: TOKEN }, 'both API_TOKENS and API_READ_TOKENS'],
    [{ CORS_ORIGINS: 'https://dash.example.com/app' }, 'CORS_ORIGINS'],
    [{ RATE_LIMIT_PER_MIN: 'lots' }, 'RATE_LIMIT_PER_MIN'],
  ])('refuses bad settings %o', async (env, message) => {
    const { child, out } = startApi({ ...env, PORT: String(await freePort()), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(await waitForExit(child)).toBe(1);
    expect(said(out).join('\n')).toContain(message);
  });

  it('with tokens listens on every interface by default and answers only with a token', async () => {
    const port = await freePort();
    const { child, out } = startApi({ PORT: String(port), API_TOKENS: TOKEN });
    await waitFor(async () => (out.stdout.includes('listening') ? true : undefined), 60_000, 'the start line');
    expect(out.stdout).toContain(`API listening on http://0.0.0.0:${port} — bearer tokens required (1 full, 0 read-only)`);
    const host = external ?? '127.0.0.1';
    expect(await reachable(`http://${host}:${port}/api/migrations`)).toBe(401);
    expect(await reachable(`http://${host}:${port}/api/migrations`, { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await reachable(`http://${host}:${port}/healthz`)).toBe(200);
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
    await stopProcess(child);
  });

  it('listens on a network HOST without tokens only when told API_ALLOW_UNAUTHENTICATED=true', async () => {
    const port = await freePort();
    const { child, out } = startApi({ PORT: String(port), HOST: '0.0.0.0', API_ALLOW_UNAUTHENTICATED: 'true' });
    await waitFor(async () => (out.stdout.includes('listening') ? true : undefined), 60_000, 'the start line');
    expect(out.stdout).toContain('NO authentication on a network interface (API_ALLOW_UNAUTHENTICATED=true)');
    expect(await reachable(`http://${external ?? '127.0.0.1'}:${port}/api/migrations`)).toBe(200);
    await stopProcess(child);
  });
});
