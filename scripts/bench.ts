/**
 * `npm run bench`: how fast Epic Shelter copies a sales_data-shaped table, against the floor
 * (mariadb --quick --batch | psql COPY), pgloader, and a plain gzip-NDJSON poster, all on
 * this machine in one run. Prints rows/s, ratios and the worker's peak RSS. A script, not a test.
 *
 *   BENCH_ROWS=1000000 BENCH_BIG_ROWS=5000000 npm run bench
 *   (BENCH_PARALLELISM, BENCH_CHUNK_ROWS, BENCH_BATCH_ROWS and BENCH_WORKERS vary the Epic Shelter runs,
 *   which otherwise use the API's defaults;
 *   BENCH_ONLY=floor,pgloader,pg,hydrolix,big runs a subset; BENCH_REPEAT=3 runs (1)-(3) and (4) that many times;
 *   BENCH_IDLE_S=15 pauses that long before each of (1)-(3).)
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mysqlCallback from 'mysql2';
import mysql from 'mysql2/promise';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import '../connectors';
import { startHydrolixEmulator } from '../test/hydrolix-emulator';
import { startDevServer } from './lib/dev-server';
import { buildRuntime } from './build';
import { spawnWorker, stopProcess } from './lib/processes';
import { seedSales } from './seed-sales';
import { cpuMeter, formatCpu } from './lib/cpu';
import { timeline } from './lib/timeline';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BIG_ROWS = Number(process.env.BENCH_BIG_ROWS ?? 5_000_000);
/** Migration options from BENCH_* variables; unset ones are left to the API's defaults. */
const OPTIONS = Object.fromEntries(
  (
    [
      ['chunk_rows', process.env.BENCH_CHUNK_ROWS],
      ['batch_rows', process.env.BENCH_BATCH_ROWS],
      ['parallelism', process.env.BENCH_PARALLELISM],
    ] as const
  ).flatMap(([k, v]) => (v ? [[k, Number(v)]] : [])),
);
/** Worker processes on the task queue (they share one migration's chunks). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'floor,pgloader,pg,hydrolix,big').split(','));
const MY_DB = 'es_bench';
const MY_URL = `mysql://root@127.0.0.1:3306/${MY_DB}`;
const PG_DB = 'es_bench';
const PG_URL = `postgres://postgres@127.0.0.1:5432/${PG_DB}`;
const HX_USER = { username: 'bench@example.com', password: 'bench-pass' };

type Result = { name: string; rows: number; seconds: number; note?: string };
const results: Result[] = [];
const rate = (r: Result) => Math.round(r.rows / r.seconds);

function sh(cmd: string): string {
  return execSync(cmd, { stdio: ['ignore', 'pipe', 'pipe'], shell: '/bin/bash' }).toString();
}
const psql = (db: string, sql: string) => sh(`psql -h 127.0.0.1 -U postgres -d ${db} -qAtc ${JSON.stringify(sql)}`);

async function ensureTable(table: string, rows: number): Promise<void> {
  const root = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/test' });
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${MY_DB}\``);
  const [have] = await root.query(
    `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [MY_DB, table],
  );
  let n = 0;
  if (Number((have as Array<{ n: number }>)[0].n) > 0) {
    const [c] = await root.query(`SELECT COUNT(*) AS n FROM \`${MY_DB}\`.\`${table}\``);
    n = Number((c as Array<{ n: number }>)[0].n);
  }
  await root.end();
  if (n !== rows) {
    console.log(`seeding ${MY_DB}.${table} with ${rows} rows ...`);
    await seedSales(MY_URL, rows, table);
  }
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/** Seconds of idle before each of (1)-(3), so each starts from the same state, not from the one before. */
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(rs: Result[]): Result | undefined {
  if (rs.length === 0) return undefined;
  return [...rs].sort((a, b) => a.seconds - b.seconds)[Math.floor(rs.length / 2)];
}

const checkpoint = () => psql(PG_DB, 'CHECKPOINT');

function timed(name: string, rows: number, fn: () => void, note?: string): Result {
  const t0 = process.hrtime.bigint();
  fn();
  const r = { name, rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9, note };
  results.push(r);
  console.log(`${name}: ${r.seconds.toFixed(2)} s, ${rate(r)} rows/s`);
  return r;
}

function floor(table: string, rows: number): Result {
  psql(PG_DB, `DROP TABLE IF EXISTS floor_sales; CREATE TABLE floor_sales (id numeric(20,0) PRIMARY KEY, date timestamp(6) NOT NULL, quantity integer NOT NULL, product varchar(64) NOT NULL, amount numeric(10,2) NOT NULL, notes text, attrs jsonb)`);
  return timed('1. floor: mariadb --quick --batch | psql COPY', rows, () => {
    sh(
      `set -o pipefail; mariadb --quick --batch --skip-column-names -h127.0.0.1 -uroot ${MY_DB} -e 'SELECT id, date, quantity, product, amount, notes, attrs FROM \`${table}\`' ` +
        `| psql -h 127.0.0.1 -U postgres -d ${PG_DB} -qc "COPY floor_sales FROM STDIN WITH (NULL 'NULL')"`,
    );
  });
}

function pgloader(table: string, rows: number): Result | undefined {
  if (spawnSync('pgloader', ['--version']).status !== 0) {
    console.log('2. pgloader: not installed (apt-get install pgloader); skipped');
    return undefined;
  }
  sh(`psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS es_bench_pgloader' -c 'CREATE DATABASE es_bench_pgloader'`);
  const dir = mkdtempSync(join(tmpdir(), 'es-bench-'));
  const load = join(dir, 'sales.load');
  writeFileSync(
    load,
    `LOAD DATABASE FROM ${MY_URL} INTO postgresql://postgres@127.0.0.1:5432/es_bench_pgloader
     INCLUDING ONLY TABLE NAMES MATCHING '${table}'
     WITH create tables, include drop, workers = 4, concurrency = 1;\n`,
  );
  return timed('2. pgloader MariaDB → PostgreSQL', rows, () => sh(`pgloader ${load}`));
}

/** Resident set (VmRSS) or its high-water mark (VmHWM) of a process, in MiB. */
function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Peak worker RSS sampled while each migration runs (startup's workflow bundling is not a copy cost). */
const copyPeakRss: Record<string, number> = {};
/** Peak RSS in the first and in the last fifth of each migration's samples. */
const rssFifths: Record<string, [number, number]> = {};

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
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    SINGLESTORE_URL: MY_URL,
    POSTGRES_URL: PG_URL,
    HYDROLIX_URL: hydrolixUrl,
    HYDROLIX_USERNAME: HX_USER.username,
    HYDROLIX_PASSWORD: HX_USER.password,
    HYDROLIX_PROJECT: 'bench',
  };
  const workers = Array.from({ length: WORKERS }, () => spawnWorker(env, ['ignore', 'ignore', 'inherit']));
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

async function migrate(stack: Stack, name: string, body: Record<string, unknown>, rows: number): Promise<Result> {
  const cpu = cpuMeter({ worker: stack.workerPid, Temporal: 'temporal', MariaDB: 'mariadbd', PostgreSQL: 'postgres', 'bench+API': process.pid });
  const t0 = process.hrtime.bigint();
  const res = await stack.app.request('/api/migrations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  // Completion is awaited on the workflow itself: polling the status API at a high rate would
  // spend the same two cores the copy runs on. RSS is sampled from /proc, which costs nothing.
  copyPeakRss[name] ??= 0;
  const samples: number[] = [];
  const sampler = setInterval(() => {
    samples.push(rssMiB(stack.workerPid));
    cpu.sample();
    copyPeakRss[name] = Math.max(copyPeakRss[name], samples[samples.length - 1]);
  }, 100);
  const outcome = await stack.client.workflow.getHandle(id).result().then(() => null, (e: Error) => e);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  // Flat memory means the last fifth of a run peaks no higher than the first.
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  rssFifths[name] = [Math.max(...samples.slice(0, fifth)), Math.max(...samples.slice(-fifth))];
  const s = (await (await stack.app.request(`/api/migrations/${id}`)).json()) as { status: string; error: string; rows_copied: number };
  if (outcome || s.status !== 'completed') throw new Error(`${name}: ${s.status}: ${s.error ?? outcome?.message}`);
  if (s.rows_copied !== rows) throw new Error(`${name}: copied ${s.rows_copied} of ${rows}`);
  const r = { name, rows, seconds };
  results.push(r);
  console.log(`${name}: ${r.seconds.toFixed(2)} s, ${rate(r)} rows/s`);
  console.log(`   ${formatCpu(cpu.used())}`);
  console.log(`   ${await timeline(stack.client, id)}`);
  return r;
}

function toPostgres(table: string, dest: string) {
  return {
    name: `bench ${dest}`,
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'POSTGRES',
    destination_config: { table: dest, write_mode: 'append' },
    options: OPTIONS,
  };
}

/** The plain script for (4): the same rows as gzip NDJSON, posted straight to the same emulator. */
async function plainHydrolix(url: string, table: string, rows: number): Promise<Result> {
  const login = (await (
    await fetch(`${url}/config/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HX_USER) })
  ).json()) as { auth_token: { access_token: string } };
  const headers = {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'x-hdx-table': 'bench.sales_plain',
    'x-hdx-transform': 'epic_shelter',
    authorization: `Bearer ${login.auth_token.access_token}`,
  };
  const db = mysqlCallback.createConnection({ uri: MY_URL, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const t0 = process.hrtime.bigint();
  const stream = db.query(`SELECT id, date, quantity, product, amount, notes, attrs FROM \`${table}\``).stream({ highWaterMark: 10_000 });
  let lines: string[] = [];
  let bytes = 0;
  const post = async () => {
    const body = gzipSync(lines.join('\n'));
    lines = [];
    bytes = 0;
    const res = await fetch(`${url}/ingest/event`, { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`plain ingest: ${res.status} ${await res.text()}`);
  };
  const str = (v: unknown) => (v === null ? 'null' : JSON.stringify(String(v)));
  for await (const r of stream as AsyncIterable<Record<string, unknown>>) {
    const line = `{"id":${r.id},"date":${str(r.date)},"quantity":${r.quantity},"product":${str(r.product)},"amount":${str(r.amount)},"notes":${str(r.notes)},"attrs":${str(r.attrs)}}`;
    lines.push(line);
    bytes += line.length;
    if (bytes >= 8 * 1024 * 1024) await post();
  }
  if (lines.length) await post();
  db.end();
  const r = { name: '4b. plain script: gzip NDJSON → emulator', rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  results.push(r);
  console.log(`${r.name}: ${r.seconds.toFixed(2)} s, ${rate(r)} rows/s`);
  return r;
}

async function main() {
  await buildRuntime(); // the worker runs the compiled dist/
  await ensureTable('sales_data', ROWS);
  sh(`psql -h 127.0.0.1 -U postgres -d test -qc 'CREATE DATABASE ${PG_DB}' 2>/dev/null || true`);

  const emulator = await startHydrolixEmulator({ port: 0, users: [HX_USER] });
  const stack = await startStack(emulator.url);
  try {
    // The worker is a long-running service: one small migration first, so (3) does not time the
    // first-use costs (workflow sandbox, connection pools, JIT) that every later run is spared.
    psql(PG_DB, 'DROP TABLE IF EXISTS es_warmup');
    const idleRss = rssMiB(stack.workerPid);
    await migrate(stack, '(warm-up)', { ...toPostgres('sales_data', 'es_warmup'), source_config: { table: 'sales_data', query: 'SELECT * FROM sales_data WHERE id <= 20000' } }, 20_000);
    results.pop();
    // (1)-(3) take turns, REPEAT times, each after a CHECKPOINT, so one run's WAL does not make
    // PostgreSQL checkpoint during the next; the ratios use medians (single runs here swing ±30%).
    // The order rotates each round, so each contender follows each other one: what ran just
    // before matters here (a run right after another heavy one measured ~15% faster than one after
    // pgloader's mostly single-core 13 s or an idle pause).
    const floors: Result[] = [];
    const loaders: Result[] = [];
    const ours: Result[] = [];
    const contenders: Array<[string, () => Promise<void>]> = [
      [
        'floor',
        async () => {
          checkpoint();
          floors.push(floor('sales_data', ROWS));
        },
      ],
      [
        'pgloader',
        async () => {
          checkpoint();
          const p = pgloader('sales_data', ROWS);
          if (p) loaders.push(p);
        },
      ],
      [
        'pg',
        async () => {
          psql(PG_DB, 'DROP TABLE IF EXISTS es_sales');
          checkpoint();
          ours.push(await migrate(stack, '3. Epic Shelter MariaDB → PostgreSQL (API + Temporal + worker)', toPostgres('sales_data', 'es_sales'), ROWS));
        },
      ],
    ];
    const active = contenders.filter(([name]) => ONLY.has(name));
    for (let i = 0; i < REPEAT; i++) {
      for (let j = 0; j < active.length; j++) {
        if (IDLE_S > 0) await sleep(IDLE_S * 1000);
        await active[(i + j) % active.length][1]();
      }
    }
    const [f, p, es] = [median(floors), median(loaders), median(ours)];
    const startupRss = rssMiB(stack.workerPid, 'VmHWM');
    const hydrolix = ONLY.has('hydrolix') ? await benchHydrolix(stack, emulator) : undefined;
    let rss5m: number | undefined;
    if (BIG_ROWS > 0 && ONLY.has('big')) {
      await ensureTable('sales_big', BIG_ROWS);
      psql(PG_DB, 'DROP TABLE IF EXISTS es_sales_big');
      await migrate(stack, `5. Epic Shelter MariaDB → PostgreSQL, ${BIG_ROWS} rows`, toPostgres('sales_big', 'es_sales_big'), BIG_ROWS);
      rss5m = copyPeakRss[`5. Epic Shelter MariaDB → PostgreSQL, ${BIG_ROWS} rows`];
    }

    console.log('\n| run | rows | seconds | rows/s |\n|---|---:|---:|---:|');
    for (const r of results) console.log(`| ${r.name} | ${r.rows} | ${r.seconds.toFixed(2)} | ${rate(r)} |`);
    console.log(`\nratios (time, medians of ${REPEAT} runs):`);
    if (es && p) console.log(`  3/2 (Epic Shelter / pgloader) = ${(es.seconds / p.seconds).toFixed(3)}  (target ≤ 0.40)`);
    if (es && f) console.log(`  3/1 (Epic Shelter / floor)    = ${(es.seconds / f.seconds).toFixed(3)}  (target ≤ 0.85)`);
    if (hydrolix) console.log(`  4a/4b (Epic Shelter / plain)   = ${(hydrolix.es.seconds / hydrolix.plain.seconds).toFixed(3)}  (target ≤ 1.20)`);
    console.log(`worker RSS idle after startup: ${idleRss} MiB; high-water mark after startup + the first copy: ${startupRss} MiB`);
    for (const [name, mib] of Object.entries(copyPeakRss)) {
      if (name.startsWith('(')) continue;
      const [first, last] = rssFifths[name];
      console.log(`worker peak RSS during "${name}": ${mib} MiB (last run: ${first} MiB in its first fifth, ${last} MiB in its last)`);
    }
    if (rss5m !== undefined) console.log(`(target < 256 MiB, flat from ${ROWS} to ${BIG_ROWS} rows)`);
  } finally {
    await stack.stop();
    await emulator.close();
  }
}

/**
 * (4): Epic Shelter into the emulator, then the plain script into the same (emptied) emulator,
 * alternating BENCH_REPEAT times (the emulator runs in this process and single runs swing ±20%).
 */
async function benchHydrolix(stack: Stack, emulator: Awaited<ReturnType<typeof startHydrolixEmulator>>): Promise<{ es: Result; plain: Result }> {
  const es: Result[] = [];
  const plain: Result[] = [];
  for (let i = 0; i < REPEAT; i++) {
    emulator.state.reset();
    const body = {
      name: 'bench hydrolix',
      source_type: 'SINGLESTORE',
      source_config: { table: 'sales_data' },
      destination_type: 'HYDROLIX',
      destination_config: { table: 'sales_es' },
      options: OPTIONS,
    };
    es.push(await migrate(stack, '4a. Epic Shelter MariaDB → Hydrolix emulator', body, ROWS));
    // Same emulator, emptied; the plain table gets its transform from a one-row Epic Shelter run,
    // so both pay the same ingest cost.
    emulator.state.reset();
    const setup = { ...body, name: 'bench plain setup', source_config: { table: 'sales_data', query: 'SELECT * FROM sales_data WHERE id <= 1' }, destination_config: { table: 'sales_plain' } };
    await migrate(stack, '(setup for 4b)', setup, 1);
    results.pop();
    plain.push(await plainHydrolix(emulator.url, 'sales_data', ROWS));
  }
  return { es: median(es)!, plain: median(plain)! };
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
