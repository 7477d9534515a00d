/** Starts the Temporal dev server as a child process and waits until its frontend answers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'node:net';
import { devServerSearchAttributes } from '../../api/search-attributes';
import { ensureTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for persistence; omit for in-memory. */
  dbFile?: string;
  ip?: string;
  dynamicConfig?: Record<string, unknown>;
  /** Where the server's own output goes. */
  stdio?: 'inherit' | 'ignore';
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--port', String(opts.port), '--ip', opts.ip ?? '127.0.0.1', '--log-level', 'error'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  // Migration runs carry these (list filters, status without a worker); registered at each start, which is idempotent.
  for (const attr of devServerSearchAttributes()) args.push('--search-attribute', attr);
  for (const [k, v] of Object.entries(opts.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  return args;
}

export async function waitForPort(host: string, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host, port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const bin = ensureTemporalCli();
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });
  const child = spawn(bin, devServerArgs(opts), { stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ip = opts.ip ?? '127.0.0.1';
  await Promise.race([
    waitForPort(ip, opts.port),
    exited.then(() => {
      throw new Error(`Temporal dev server exited early (code ${child.exitCode}); is port ${opts.port} free?`);
    }),
  ]);
  return {
    address: `${ip}:${opts.port}`,
    process: child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
