/**
 * `npm run bench`: Epic Shelter against the pipe (`mariadb --quick --batch | psql COPY`) and pgloader
 * on four table shapes (scripts/lib/bench-shapes.ts), in one run on this machine; Epic Shelter →
 * the Hydrolix emulator against a plain gzip-NDJSON poster; worker RSS on a 5× larger sales table.
 * Prints one table of medians, ratios against the issue's targets, worker peak RSS, worker CPU per
 * million rows and the copy path per shape. A script, not a test.
 *
 *   npm run bench
 *   BENCH_SHAPES=sales,wide,blob,text   shapes to run (default: all four)
 *   BENCH_SCALE=0.1                     multiplies every row count (default 1)
 *   BENCH_ROWS_<SHAPE>=n                rows of one shape (e.g. BENCH_ROWS_WIDE=50000); BENCH_BIG_ROWS the RSS run's
 *   BENCH_ONLY=pipe,pgloader,pg,hydrolix,big   contenders to run (default: all)
 *   BENCH_REPEAT=3                      runs of each contender per shape (medians are reported)
 *   BENCH_HYDROLIX_REPEAT=1             runs into the Hydrolix emulator per shape (sales: BENCH_REPEAT, with the plain poster)
 *   BENCH_HYDROLIX_ROWS=50000           rows of the other shapes into the emulator (× BENCH_SCALE; their own smaller tables)
 *   BENCH_IDLE_S=0                      idle pause before each timed run
 *   BENCH_PARALLELISM, BENCH_CHUNK_ROWS, BENCH_BATCH_ROWS, BENCH_WORKERS   vary the Epic Shelter runs
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createDestination, createSource } from '../connectors'; // registers the connectors too
import type { TableSchema } from '../connectors/types';
import { startHydrolixEmulator } from '../test/hydrolix-emulator';
import { startDevServer } from './lib/dev-server';
import { buildRuntime } from './build';
import { spawnWorker, stopProcess } from './lib/processes';
import { cpuMeter, formatCpu } from './lib/cpu';
import { formatSpans, historySpans } from './lib/timeline';
import { formatPhases, migrationPhases, type Phases } from './lib/bench-phases';
import { SHAPES, salesAt, type Shape } from './lib/bench-shapes';
import { ensureShape } from './lib/bench-seed';
import { countPg, hasPgloader, pgloaderVersion, PGLOADER_DB, preparePgloader, preparePipe, psql, runPgloader, runPipe, type Target } from './lib/bench-contenders';
import { copyPath } from './lib/bench-path';
import { plainSalesPoster } from './lib/bench-hydrolix';
import { formatRuns, formatShapeTable, KEY_LEGEND, median, type ShapeResult } from './lib/bench-report';

const env = process.env;
const SCALE = Number(env.BENCH_SCALE ?? 1);
const SELECTED = (env.BENCH_SHAPES ?? SHAPES.map((s) => s.id).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const ONLY = new Set((env.BENCH_ONLY ?? 'pipe,pgloader,pg,hydrolix,big').split(',').map((s) => (s.trim() === 'floor' ? 'pipe' : s.trim())));
const REPEAT = Number(env.BENCH_REPEAT ?? 3);
const HYDROLIX_REPEAT = Number(env.BENCH_HYDROLIX_REPEAT ?? 1);
const IDLE_S = Number(env.BENCH_IDLE_S ?? 0);
const WORKERS = Number(env.BENCH_WORKERS ?? 1);
/** Migration options from BENCH_* variables; unset ones are left to the API's defaults. */
const OPTIONS = Object.fromEntries(
  (
    [
      ['chunk_rows', env.BENCH_CHUNK_ROWS],
      ['batch_rows', env.BENCH_BATCH_ROWS],
      ['parallelism', env.BENCH_PARALLELISM],
    ] as const
  ).flatMap(([k, v]) => (v ? [[k, Number(v)]] : [])),
);

const MY_DB = 'es_bench';
const MY_URL = `mysql://root@127.0.0.1:3306/${MY_DB}`;
const PG_DB = 'es_bench';
const PG_URL = `postgres://postgres@127.0.0.1:5432/${PG_DB}`;
const TARGET: Target = { mysqlDb: MY_DB, pgDb: PG_DB };
const HX_USER = { username: 'bench@example.com', password: 'bench-pass' };
const HX_PROJECT = 'bench';
const CONNECTOR_ENV = { SINGLESTORE_URL: MY_URL, POSTGRES_URL: PG_URL };

function rowsOf(shape: Shape): number {
  const own = env[`BENCH_ROWS_${shape.id.toUpperCase()}`] ?? (shape.id === 'sales' ? env.BENCH_ROWS : undefined);
  return own ? Number(own) : Math.max(1, Math.round(shape.defaultRows * SCALE));
}
/** A shape's table at another row count is a table of its own, so a scaled run leaves the full-size tables seeded. */
function sized(shape: Shape, rows: number, fullRows = shape.defaultRows): Shape {
  return rows === fullRows ? shape : { ...shape, table: `${shape.table}_${rows}` };
}
/**
 * The shapes other than sales go into the Hydrolix emulator with fewer rows, from their own smaller
 * tables: the emulator runs in the bench process and ingests wide rows slowly, while worker CPU
 * per million rows is what the comparison needs.
 */
function hydrolixShape(shape: Shape): { shape: Shape; rows: number } {
  const rows = rowsOf(shape);
  if (shape.id === 'sales') return { shape: sized(shape, rows), rows };
  const cap = env.BENCH_HYDROLIX_ROWS ? Number(env.BENCH_HYDROLIX_ROWS) : Math.max(1, Math.round(50_000 * SCALE));
  return rows <= cap ? { shape: sized(shape, rows), rows } : { shape: sized({ ...shape, table: `${shape.table}_hx` }, cap, 50_000), rows: cap };
}
const BIG_ROWS = env.BENCH_BIG_ROWS ? Number(env.BENCH_BIG_ROWS) : Math.round(5_000_000 * SCALE);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const checkpoint = () => psql(PG_DB, 'CHECKPOINT');
const elapsed = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ');

/** Resident set (VmRSS) or its high-water mark (VmHWM) of a process, in MiB. */
function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

interface Stack {
  app: ReturnType<typeof createApp>;
  client: Client;
  workerPid: number;
  stop(): Promise<void>;
}

async function startStack(hydrolixUrl: string): Promise<Stack> {
  const server = await startDevServer({ port: 7399 });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const workerEnv = {
    ...env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    ...CONNECTOR_ENV,
    ...hydrolixEnv(hydrolixUrl),
  };
  const workers = Array.from({ length: WORKERS }, () => spawnWorker(workerEnv, ['ignore', 'ignore', 'inherit']));
  return {
    app: createApp({ client, connection, taskQueue: 'bench' }),
    client,
    workerPid: workers[0].pid!,
    async stop() {
      for (const w of workers) await stopProcess(w);
      await connection.close();
      await server.stop();
    },
  };
}

interface Migrated {
  seconds: number;
  workerCpu: number;
  peakRssMiB: number;
  /** Peak RSS in the first and the last fifth of the run (flat memory: the last is no higher). */
  fifths: [number, number];
  warnings: string[];
  /** Seconds of the verifyCounts step (0 when the tallies agreed without it). */
  verifySeconds: number;
  phases: Phases;
}

/** One migration through the API, awaited on its workflow; throws unless it completed with `rows` rows. */
async function migrate(stack: Stack, label: string, body: Record<string, unknown>, rows: number): Promise<Migrated> {
  const cpu = cpuMeter({ worker: stack.workerPid, Temporal: 'temporal', MariaDB: 'mariadbd', PostgreSQL: 'postgres', 'bench+API+emulator': process.pid });
  const t0 = process.hrtime.bigint();
  const res = await stack.app.request('/api/migrations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${label}: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  // Completion is awaited on the workflow: polling the status API would spend the two cores the copy
  // runs on. RSS and CPU come from /proc, which costs next to nothing.
  const samples: number[] = [];
  const sampler = setInterval(() => {
    samples.push(rssMiB(stack.workerPid));
    cpu.sample();
  }, 100);
  const outcome = await stack.client.workflow.getHandle(id).result().then(() => null, (e: Error) => e);
  const seconds = elapsed(t0);
  clearInterval(sampler);
  samples.push(rssMiB(stack.workerPid));
  const used = cpu.used();
  const s = (await (await stack.app.request(`/api/migrations/${id}`)).json()) as { status: string; error?: string; rows_copied: number; warnings?: string[] };
  if (outcome || s.status !== 'completed') throw new Error(`${label}: ${s.status}: ${s.error ?? outcome?.message}`);
  if (s.rows_copied !== rows) throw new Error(`${label}: copied ${s.rows_copied} of ${rows} rows`);
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  console.log(`${label}: ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s`);
  console.log(`   ${formatCpu(used)}`);
  const history = await historySpans(stack.client, id);
  console.log(`   ${formatSpans(history)}`);
  const phases = await migrationPhases(stack.client, id);
  console.log(`   ${formatPhases(phases)}`);
  const verify = history.spans.get('verifyCounts');
  return {
    phases,
    verifySeconds: verify ? (verify.to - verify.from) / 1000 : 0,
    seconds,
    workerCpu: used.worker,
    peakRssMiB: Math.max(...samples),
    fifths: [Math.max(...samples.slice(0, fifth)), Math.max(...samples.slice(-fifth))],
    warnings: s.warnings ?? [],
  };
}

const toPostgres = (table: string, dest: string) => ({
  name: `bench ${dest}`,
  source_type: 'SINGLESTORE',
  source_config: { table },
  destination_type: 'POSTGRES',
  destination_config: { table: dest, write_mode: 'append' },
  options: OPTIONS,
});

const toHydrolix = (table: string, dest: string, query?: string) => ({
  name: `bench ${dest}`,
  source_type: 'SINGLESTORE',
  source_config: query ? { table, query } : { table },
  destination_type: 'HYDROLIX',
  destination_config: { table: dest },
  options: OPTIONS,
});

/** Throws when a contender's table does not hold exactly the source's rows: a fast wrong run must not count. */
function expectRows(who: string, db: string, table: string, rows: number): void {
  const n = countPg(db, table);
  if (n !== rows) throw new Error(`${who}: ${table} holds ${n} rows, the source ${rows}`);
}

type Emulator = Awaited<ReturnType<typeof startHydrolixEmulator>>;

/** Runs one shape: pipe, pgloader and Epic Shelter → PostgreSQL take turns REPEAT times, then the Hydrolix runs. */
async function benchShape(stack: Stack, emulator: Emulator, base: Shape, rows: number, schema: TableSchema): Promise<ShapeResult> {
  const shape = sized(base, rows);
  const r: ShapeResult = { shape: shape.id, describe: shape.describe, rows, pipe: [], pgloader: [], es: [], esWorkerCpu: [], esPhases: [], failures: [] };
  const esTable = `es_${shape.table}`;
  let lastWarnings: string[] | undefined;
  const attempt = async (who: string, fn: () => Promise<void> | void) => {
    if (IDLE_S > 0) await sleep(IDLE_S * 1000);
    try {
      await fn();
    } catch (e) {
      r.failures.push(`${who}: ${errorText(e)}`);
      console.log(`${shape.id} ${who} FAILED: ${errorText(e)}`);
    }
  };
  const contenders: Array<[string, () => Promise<void>]> = [
    [
      'pipe',
      () =>
        attempt('pipe', () => {
          preparePipe(TARGET, schema, `pipe_${shape.table}`);
          checkpoint();
          const t0 = process.hrtime.bigint();
          runPipe(TARGET, schema, shape.table, `pipe_${shape.table}`);
          const s = elapsed(t0);
          expectRows('pipe', PG_DB, `pipe_${shape.table}`, rows);
          r.pipe.push(s);
          console.log(`${shape.id} pipe: ${s.toFixed(2)} s`);
        }),
    ],
    [
      'pgloader',
      () =>
        attempt('pgloader', () => {
          preparePgloader();
          checkpoint();
          const t0 = process.hrtime.bigint();
          runPgloader(TARGET, schema, shape.table);
          const s = elapsed(t0);
          expectRows('pgloader', PGLOADER_DB, shape.table, rows);
          r.pgloader.push(s);
          console.log(`${shape.id} pgloader: ${s.toFixed(2)} s`);
        }),
    ],
    [
      'pg',
      () =>
        attempt('Epic Shelter → PostgreSQL', async () => {
          psql(PG_DB, `DROP TABLE IF EXISTS "${esTable}"`);
          checkpoint();
          const m = await migrate(stack, `${shape.id} Epic Shelter → PostgreSQL`, toPostgres(shape.table, esTable), rows);
          expectRows('Epic Shelter', PG_DB, esTable, rows);
          r.es.push(m.seconds);
          r.esWorkerCpu.push(m.workerCpu);
          r.esPhases.push(m.phases);
          r.peakRssMiB = Math.max(r.peakRssMiB ?? 0, m.peakRssMiB);
          lastWarnings = m.warnings;
        }),
    ],
  ];
  const active = contenders.filter(([name]) => ONLY.has(name) && (name !== 'pgloader' || hasPgloader()));
  // The order rotates each round, so each contender follows each other one: what ran just before matters.
  for (let i = 0; i < REPEAT; i++) for (let j = 0; j < active.length; j++) await active[(i + j) % active.length][1]();

  if (lastWarnings) r.path = await pathOf('POSTGRES', CONNECTOR_ENV, shape.table, esTable, schema, lastWarnings);

  if (ONLY.has('hydrolix')) {
    const runs = shape.id === 'sales' ? REPEAT : HYDROLIX_REPEAT;
    const into = hydrolixShape(base);
    const hx = { rows: into.rows, seconds: [] as number[], workerCpu: [] as number[], peakRssMiB: 0, path: undefined as string | undefined, verifySeconds: [] as number[] };
    for (let i = 0; i < runs; i++) {
      await attempt('Epic Shelter → Hydrolix emulator', async () => {
        emulator.state.reset(); // the emulator runs in this process: each run starts from an empty one
        const m = await migrate(stack, `${shape.id} Epic Shelter → Hydrolix emulator`, toHydrolix(into.shape.table, `es_${shape.id}`), into.rows);
        hx.seconds.push(m.seconds);
        hx.verifySeconds.push(m.verifySeconds);
        hx.workerCpu.push(m.workerCpu);
        hx.peakRssMiB = Math.max(hx.peakRssMiB, m.peakRssMiB);
        // Asked while the emulator still holds the table (the next run empties it).
        hx.path ??= await pathOf('HYDROLIX', hydrolixEnv(emulator.url), into.shape.table, `es_${shape.id}`, schema, m.warnings);
      });
      if (shape.id === 'sales') await attempt('plain poster → Hydrolix emulator', () => plainRun(stack, emulator, shape, rows));
    }
    r.hydrolix = hx;
  }
  return r;
}

const hydrolixEnv = (url: string) => ({
  HYDROLIX_URL: url,
  HYDROLIX_USERNAME: HX_USER.username,
  HYDROLIX_PASSWORD: HX_USER.password,
  HYDROLIX_PROJECT: HX_PROJECT,
});

/** The copy path of a finished run, from its warnings or asked of the connectors as the worker asks them. */
async function pathOf(type: string, connEnv: Record<string, string>, source: string, dest: string, schema: TableSchema, warnings: string[]): Promise<string> {
  const src = createSource('SINGLESTORE', CONNECTOR_ENV);
  const dst = createDestination(type, connEnv);
  try {
    return await copyPath(src, { table: source }, dst, { table: dest }, schema, warnings);
  } catch (e) {
    return `unknown (${errorText(e)})`;
  } finally {
    await src.disconnect();
    await dst.disconnect();
  }
}

const plainSeconds: number[] = [];

/** The plain poster into the same (emptied) emulator; its table gets its transform from a one-row Epic Shelter run, so both pay the same ingest. */
async function plainRun(stack: Stack, emulator: Emulator, shape: Shape, rows: number): Promise<void> {
  emulator.state.reset();
  const dest = 'sales_plain';
  await migrate(stack, '(setup for the plain poster)', toHydrolix(shape.table, dest, `SELECT * FROM \`${shape.table}\` WHERE id <= 1`), 1);
  const t0 = process.hrtime.bigint();
  const sent = await plainSalesPoster(emulator.url, HX_USER, MY_URL, shape.table, HX_PROJECT, dest);
  const s = elapsed(t0);
  const held = (emulator.state.tableByName(HX_PROJECT, dest) as unknown as { rows?: unknown[] } | undefined)?.rows?.length;
  if (sent !== rows || (held !== undefined && held !== rows + 1)) throw new Error(`plain poster: sent ${sent}, emulator holds ${held} (expected ${rows} + 1 setup row)`);
  plainSeconds.push(s);
  console.log(`plain poster → Hydrolix emulator: ${s.toFixed(2)} s`);
}

async function ensureDatabases(): Promise<void> {
  const root = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/test' });
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${MY_DB}\``);
  await root.end();
  if (!psql('test', `SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'`).trim()) psql('test', `CREATE DATABASE ${PG_DB}`);
}

/**
 * One bench at a time on a machine: they share the seeded tables, the destination tables, pgloader's
 * database and the Temporal port. A MariaDB named lock, held by a connection for the whole run, says so.
 */
async function holdBenchLock(): Promise<mysql.Connection> {
  const db = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/test' });
  const [rows] = await db.query(`SELECT GET_LOCK('epic_shelter_bench', 0) AS got`);
  if (Number((rows as Array<{ got: number }>)[0].got) !== 1) {
    await db.end();
    throw new Error('another npm run bench is running on this machine (MariaDB lock epic_shelter_bench); wait for it to finish');
  }
  return db;
}

async function main() {
  const lock = await holdBenchLock();
  try {
    await runBench();
  } finally {
    await lock.end(); // closing the connection releases the lock
  }
}

async function runBench() {
  const shapes = SELECTED.map((id) => {
    const s = SHAPES.find((x) => x.id === id);
    if (!s) throw new Error(`unknown shape ${id} (known: ${SHAPES.map((x) => x.id).join(', ')})`);
    return s;
  });
  const big = ONLY.has('big') && BIG_ROWS > 0 && shapes.some((s) => s.id === 'sales') ? sized(salesAt('bench_sales_big'), BIG_ROWS, 5_000_000) : undefined;
  const t0 = process.hrtime.bigint();
  await buildRuntime(); // the worker runs the compiled dist/
  await ensureDatabases();
  for (const s of shapes) await ensureShape(MY_URL, sized(s, rowsOf(s)), rowsOf(s));
  if (ONLY.has('hydrolix')) for (const s of shapes) if (hydrolixShape(s).rows !== rowsOf(s)) await ensureShape(MY_URL, hydrolixShape(s).shape, hydrolixShape(s).rows);
  if (big) await ensureShape(MY_URL, big, BIG_ROWS);
  console.log(`setup (build, seeding) ${elapsed(t0).toFixed(1)} s; pgloader ${hasPgloader() ? pgloaderVersion() : 'not installed (apt-get install pgloader): skipped'}`);

  const src = createSource('SINGLESTORE', CONNECTOR_ENV);
  const schemas = new Map<string, TableSchema>();
  for (const s of [...shapes.map((x) => sized(x, rowsOf(x))), ...(big ? [big] : [])]) schemas.set(s.table, await src.getSchema({ table: s.table }));
  await src.disconnect();

  const emulator = await startHydrolixEmulator({ port: 0, users: [HX_USER] });
  const stack = await startStack(emulator.url);
  const results: ShapeResult[] = [];
  let bigRun: Migrated | undefined;
  let bigFailure: string | undefined;
  try {
    // The worker is a long-running service: one small migration first, so the first timed run does
    // not pay the first-use costs (workflow sandbox, connection pools, JIT) every later run is spared.
    const warm = sized(shapes[0], rowsOf(shapes[0]));
    psql(PG_DB, 'DROP TABLE IF EXISTS es_warmup');
    const idleRss = rssMiB(stack.workerPid);
    const warmRows = Math.min(20_000, rowsOf(shapes[0]));
    const key = warm.key.map((k) => `\`${k}\``).join(', ');
    const warmQuery = `SELECT * FROM \`${warm.table}\` ORDER BY ${key} LIMIT ${warmRows}`;
    await migrate(stack, '(warm-up)', { ...toPostgres(warm.table, 'es_warmup'), source_config: { table: warm.table, query: warmQuery, order_by: warm.key } }, warmRows);
    for (const s of shapes) results.push(await benchShape(stack, emulator, s, rowsOf(s), schemas.get(sized(s, rowsOf(s)).table)!));
    if (big) {
      const dest = `es_${big.table}`;
      psql(PG_DB, `DROP TABLE IF EXISTS "${dest}"`);
      try {
        bigRun = await migrate(stack, `sales Epic Shelter → PostgreSQL, ${BIG_ROWS} rows (RSS run)`, toPostgres(big.table, dest), BIG_ROWS);
        expectRows('Epic Shelter (RSS run)', PG_DB, dest, BIG_ROWS);
      } catch (e) {
        bigFailure = errorText(e);
      }
    }

    console.log('\n## Epic Shelter vs the pipe and pgloader, per shape (medians)\n');
    console.log(formatShapeTable(results));
    console.log(`\n${KEY_LEGEND}`);
    console.log(`\nruns (s):\n${formatRuns(results)}`);
    for (const r of results) console.log(`  ${r.shape}: ${r.describe}`);
    const sales = results.find((r) => r.shape === 'sales');
    const hx = median(sales?.hydrolix?.seconds ?? []);
    // The plain poster verifies nothing; the emulator answers Epic Shelter's verification queries on
    // chdb inside the bench process, so the ratio is also given without that step.
    const hxCopy = median((sales?.hydrolix?.seconds ?? []).map((x, i) => x - (sales?.hydrolix?.verifySeconds[i] ?? 0)));
    const plain = median(plainSeconds);
    if (hx !== undefined && hxCopy !== undefined && plain !== undefined) {
      console.log(
        `\nsales → Hydrolix emulator: Epic Shelter ${hx.toFixed(2)} s (${hxCopy.toFixed(2)} s without verifyCounts), plain gzip-NDJSON poster ${plain.toFixed(2)} s ` +
          `(runs ${plainSeconds.map((x) => x.toFixed(2)).join(', ')}): ratio ${(hx / plain).toFixed(2)}, without verification ${(hxCopy / plain).toFixed(2)} (target ≤ 1.20); worker peak RSS ${sales?.hydrolix?.peakRssMiB} MiB`,
      );
    }
    console.log(`\nworker RSS idle after startup ${idleRss} MiB, high-water mark ${rssMiB(stack.workerPid, 'VmHWM')} MiB`);
    if (bigRun) {
      console.log(
        `RSS run: ${BIG_ROWS} sales rows in ${bigRun.seconds.toFixed(2)} s, worker peak ${bigRun.peakRssMiB} MiB (first fifth ${bigRun.fifths[0]}, last fifth ${bigRun.fifths[1]}; target < 256, flat)`,
      );
    }
    if (bigFailure) console.log(`RSS run FAILED: ${bigFailure}`);
    const failures = results.flatMap((r) => r.failures.map((f) => `${r.shape} ${f}`)).concat(bigFailure ? [`RSS run: ${bigFailure}`] : []);
    if (failures.length) {
      console.log(`\nFAILED runs (not in the medians):\n${failures.map((f) => `  ${f}`).join('\n')}`);
      process.exitCode = 1;
    }
    console.log(`\nbench took ${(elapsed(t0) / 60).toFixed(1)} min`);
  } finally {
    await stack.stop();
    await emulator.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
