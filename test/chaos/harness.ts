/**
 * Chaos harness: one isolated Epic Shelter stack per scenario, built for breaking things.
 *
 * - a real Temporal dev server on a fixed port with a persistent SQLite file, so it can be
 *   SIGKILLed and restarted on the same port and file (`killTemporal` / `startTemporal`);
 * - the Hydrolix emulator in-process (its own instance, so its stats belong to this scenario);
 * - a TCP proxy between the workers and MariaDB (SINGLESTORE_URL points at it);
 * - real worker processes (`node --import tsx worker/main.ts`), each with its own log file;
 * - the API app (Hono) over a client Connection that must reconnect by itself;
 * - measurement: rows at the destination, duplicates (count - distinct ids), rows re-sent.
 *
 * Copied from test/support/stack.ts (not imported: that module also loads the in-process worker).
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { createApp } from '../../api/app';
import '../../connectors';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { ROOT, spawnWorker, waitForExit } from '../../scripts/lib/processes';
import { seedSales } from '../../scripts/seed-sales';
import { startHydrolixEmulator, type EmulatorHandle } from '../hydrolix-emulator';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { freePort } from '../support/ports';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

export const EMULATOR_USER = { username: 'admin@example.com', password: 'hx-Pa55word-SECRET' };
export const CHAOS_DIR = join(ROOT, '.data', 'chaos');
const TERMINAL = ['completed', 'failed', 'cancelled'];

export interface WorkerProc {
  n: number;
  child: ChildProcess;
  pid: number;
  /** The Temporal worker identity the SDK uses by default (`pid@hostname`). */
  identity: string;
  logFile: string;
  /** Resolves once the worker logged that it polls its task queue. */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

export interface MigrationOptions {
  dest: string;
  chunkRows: number;
  batchRows: number;
  parallelism: number;
}

export interface PendingChunk {
  type: string;
  attempt: number;
  identity: string;
  heartbeatRows: number | null;
  state: string;
}

export interface Measurement {
  sourceRows: number;
  rowsAtDestination: number;
  distinctIds: number;
  duplicates: number;
  /** Source ids missing at the destination. */
  missing: number;
  /** Rows the emulator received beyond the source rows (received - source). */
  rowsResent: number;
  rowsReceived: number;
}

export interface HarnessOptions {
  label: string;
  project?: string;
  log?: (msg: string) => void;
  /** Milliseconds added to every ingest request, so faults land mid-copy. */
  ingestDelayMs?: number;
}

function parseMysqlUrl(url: string) {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 3306) };
}

export class ChaosHarness {
  readonly label: string;
  readonly project: string;
  readonly taskQueue: string;
  readonly dbFile: string;
  readonly workers: WorkerProc[] = [];
  readonly log: (msg: string) => void;
  temporalPort = 0;
  server?: DevServer;
  connection!: Connection;
  client!: Client;
  app!: ReturnType<typeof createApp>;
  emulator!: EmulatorHandle;
  proxy!: TcpProxy;
  workerEnv: NodeJS.ProcessEnv = {};
  sourceTable?: string;
  private ownsSource = false;
  private logs: WriteStream[] = [];
  private workerCount = 0;

  private constructor(opts: HarnessOptions) {
    this.label = opts.label;
    this.project = opts.project ?? `chaos_${opts.label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
    this.taskQueue = `es-chaos-${opts.label}-${Math.random().toString(36).slice(2, 8)}`;
    this.dbFile = join(CHAOS_DIR, `${opts.label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}.sqlite`);
    const started = Date.now();
    this.log = opts.log ?? ((m) => console.log(`[chaos ${opts.label} +${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`));
  }

  static async start(opts: HarnessOptions): Promise<ChaosHarness> {
    const h = new ChaosHarness(opts);
    mkdirSync(join(CHAOS_DIR, 'logs'), { recursive: true });
    try {
      h.temporalPort = await freePort();
      await h.startTemporal();
      h.connection = await Connection.connect({ address: h.temporalAddress });
      h.client = new Client({ connection: h.connection, namespace: 'default' });
      h.app = createApp({ client: h.client, connection: h.connection, taskQueue: h.taskQueue });
      h.emulator = await startHydrolixEmulator({ port: 0, users: [EMULATOR_USER] });
      if (opts.ingestDelayMs) h.emulator.state.setDelay({ ms: opts.ingestDelayMs, path: 'ingest' });
      const target = parseMysqlUrl(MARIADB_URL);
      h.proxy = await startTcpProxy({ targetHost: target.host, targetPort: target.port });
      const viaProxy = new URL(MARIADB_URL);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(h.proxy.port);
      h.workerEnv = {
        ...process.env,
        TEMPORAL_ADDRESS: h.temporalAddress,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: h.taskQueue,
        SINGLESTORE_URL: viaProxy.toString(),
        HYDROLIX_URL: h.emulator.url,
        HYDROLIX_USERNAME: EMULATOR_USER.username,
        HYDROLIX_PASSWORD: EMULATOR_USER.password,
        HYDROLIX_PROJECT: h.project,
        HYDROLIX_VISIBILITY_WAIT_MS: '0',
        HYDROLIX_RETRY_BASE_MS: process.env.CHAOS_HYDROLIX_RETRY_BASE_MS ?? '100',
      };
    } catch (err) {
      await h.stop().catch(() => undefined);
      throw err;
    }
    return h;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  // ---- Temporal dev server ----

  async startTemporal(): Promise<void> {
    if (this.server && this.server.process.exitCode === null && this.server.process.signalCode === null) return;
    // After a SIGKILL the port can take a moment to be reusable: retry a few times.
    for (let i = 0; ; i++) {
      try {
        this.server = await startDevServer({ port: this.temporalPort, dbFile: this.dbFile });
        return;
      } catch (err) {
        if (i >= 10) throw err;
        await sleep(500);
      }
    }
  }

  /** SIGKILLs the dev server (no graceful shutdown: the SQLite file is left as a crash leaves it). */
  async killTemporal(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.process.kill('SIGKILL');
    await waitForExit(s.process);
    this.server = undefined;
  }

  // ---- source ----

  /** Seeds a fresh `sales_data`-shaped table under a unique name (dropped by stop()). */
  async seed(rows: number): Promise<string> {
    const table = uniqueName(`es_chaos_${this.label.replace(/[^a-z0-9]/gi, '_').slice(0, 16)}`);
    await seedSales(MARIADB_URL, rows, table);
    this.sourceTable = table;
    this.ownsSource = true;
    return table;
  }

  /** Uses a table seeded by someone else (not dropped by stop()). */
  useSource(table: string): void {
    this.sourceTable = table;
    this.ownsSource = false;
  }

  // ---- workers ----

  spawnWorker(): WorkerProc {
    const n = ++this.workerCount;
    const logFile = join(CHAOS_DIR, 'logs', `${this.label}-${this.taskQueue.slice(-6)}-w${n}.log`);
    const out = createWriteStream(logFile);
    this.logs.push(out);
    const child = spawnWorker(this.workerEnv, ['ignore', 'pipe', 'pipe']);
    const pid = child.pid!;
    let resolveReady!: () => void;
    let rejectReady!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    ready.catch(() => undefined);
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      out.write(d);
      if (seen.length < 4096) {
        seen += d.toString();
        if (seen.includes('worker polling task queue')) resolveReady();
      }
    });
    child.stderr!.on('data', (d: Buffer) => out.write(d));
    const exited = waitForExit(child);
    exited.then((code) => rejectReady(new Error(`worker ${n} exited (code ${code}, signal ${child.signalCode}) before it was ready; see ${logFile}`)));
    const w: WorkerProc = { n, child, pid, identity: `${pid}@${hostname()}`, logFile, ready, exited };
    this.workers.push(w);
    return w;
  }

  /** Spawns a worker process and waits until it polls. */
  async startWorker(timeoutMs = 120_000): Promise<WorkerProc> {
    const w = this.spawnWorker();
    await withTimeout(w.ready, timeoutMs, `worker ${w.n} to start`);
    this.log(`worker ${w.n} (pid ${w.pid}) polling`);
    return w;
  }

  async killWorker(w: WorkerProc): Promise<void> {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await w.exited;
  }

  liveWorkers(): WorkerProc[] {
    return this.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  }

  // ---- migrations ----

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await this.app.request(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  }

  async startMigration(o: MigrationOptions): Promise<string> {
    if (!this.sourceTable) throw new Error('seed() or useSource() first');
    const res = await this.request('POST', '/api/migrations', {
      name: `chaos ${this.label}`,
      source_type: 'SINGLESTORE',
      source_config: { table: this.sourceTable },
      destination_type: 'HYDROLIX',
      destination_config: { table: o.dest, timestamp_column: 'date' },
      options: { chunk_rows: o.chunkRows, batch_rows: o.batchRows, parallelism: o.parallelism },
    });
    if (res.status !== 201) throw new Error(`POST /api/migrations answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  /** The API's view of a migration, or undefined while the API cannot answer (Temporal down). */
  async status(id: string): Promise<any | undefined> {
    try {
      const r = await this.request('GET', `/api/migrations/${id}`);
      return r.status === 200 ? r.body : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Polls the API until `pred` holds. A view without workflow progress (no worker answered the
   * query, e.g. right after a kill) is skipped. A terminal status other than the awaited one stops the wait.
   */
  async waitFor(id: string, pred: (s: any) => boolean, timeoutMs: number, what: string, everyMs = 100): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    for (;;) {
      const s = await this.status(id);
      if (s) {
        last = s;
        if (pred(s)) return s;
        if (TERMINAL.includes(s.status)) throw new Error(`migration ended ${s.status} (${s.error}) while waiting for ${what}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last ? `${last.status}/${last.phase} ${last.chunks_done}/${last.chunks_total}` : 'no answer'})`);
      }
      await sleep(everyMs);
    }
  }

  /** Waits for `chunks_done >= n` (views without progress are skipped). */
  waitForChunks(id: string, n: number, timeoutMs = 180_000, everyMs = 100): Promise<any> {
    return this.waitFor(id, (s) => s.phase !== 'pending' && s.chunks_done >= n, timeoutMs, `${n} finished chunks`, everyMs);
  }

  /** Waits for the migration to end; returns its final view (any terminal status). */
  async waitForEnd(id: string, timeoutMs: number): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status(id);
      if (s && TERMINAL.includes(s.status)) return s;
      if (Date.now() > deadline) return { ...(s ?? {}), status: `timed out (${s?.status ?? 'no answer'})` };
      await sleep(250);
    }
  }

  /** copyChunk and setup activities in flight, from the server's point of view. */
  async pending(id: string): Promise<PendingChunk[]> {
    const desc = await this.client.workflow.getHandle(id).describe();
    return (desc.raw.pendingActivities ?? []).map((a) => {
      let rows: number | null = null;
      const p = a.heartbeatDetails?.payloads?.[0];
      if (p) {
        try {
          rows = defaultPayloadConverter.fromPayload<{ rows?: number }>(p)?.rows ?? null;
        } catch {
          rows = null;
        }
      }
      return {
        type: a.activityType?.name ?? '?',
        attempt: a.attempt ?? 1,
        identity: a.lastWorkerIdentity ?? '',
        heartbeatRows: rows,
        state: a.state === 2 || String(a.state).endsWith('STARTED') ? 'STARTED' : String(a.state ?? ''),
      };
    });
  }

  /** Activity attempts > 1 in the history (all runs of the workflow id are not followed: one run suffices here). */
  async retriedAttempts(id: string): Promise<number> {
    try {
      const history = await this.client.workflow.getHandle(id).fetchHistory();
      return (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
    } catch {
      return -1;
    }
  }

  // ---- measurement ----

  async sourceCount(): Promise<number> {
    const db = await mariadb();
    try {
      const [r] = await db.query(`SELECT COUNT(*) AS n FROM \`${this.sourceTable}\``);
      return Number((r as Array<{ n: unknown }>)[0].n);
    } finally {
      await db.end();
    }
  }

  measure(dest: string, sourceRows: number, sourceIds?: { from: number; to: number }): Measurement {
    const table = this.emulator.state.tableByName(this.project, dest);
    const ids = (table?.rows ?? []).map((r) => String(r.id));
    const distinct = new Set(ids);
    let missing = 0;
    if (sourceIds) for (let i = sourceIds.from; i <= sourceIds.to; i++) if (!distinct.has(String(i))) missing++;
    const received = this.emulator.state.getStats().rowsReceived;
    return {
      sourceRows,
      rowsAtDestination: ids.length,
      distinctIds: distinct.size,
      duplicates: ids.length - distinct.size,
      missing: sourceIds ? missing : Math.max(0, sourceRows - distinct.size),
      rowsResent: received - sourceRows,
      rowsReceived: received,
    };
  }

  // ---- teardown ----

  async stop(): Promise<void> {
    for (const w of this.workers) await this.killWorker(w).catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await this.server?.stop('SIGKILL').catch(() => undefined);
    await this.proxy?.close().catch(() => undefined);
    await this.emulator?.close().catch(() => undefined);
    for (const l of this.logs) l.end();
    if (this.ownsSource && this.sourceTable) {
      const db = await mariadb();
      await db.query(`DROP TABLE IF EXISTS \`${this.sourceTable}\``).catch(() => undefined);
      await db.end();
    }
    for (const f of [this.dbFile, `${this.dbFile}-wal`, `${this.dbFile}-shm`, `${this.dbFile}-journal`]) rmSync(f, { force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function randInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
