/**
 * `npm run bench:api`: status API latency under load (a benchmark, not a test). Starts a whole stack
 * (Temporal dev server, Hydrolix emulator, one worker process, the API app in this process),
 * starts 40 migrations of a small table with the emulator's ingest slowed so they all stay
 * running, then times `GET /api/migrations` (one page of 50) and `GET /api/migrations/{id}`:
 * first with the worker running, then with the worker process stopped (SIGSTOP). Prints p50/p95.
 * Goal: p95 under 200 ms in both.
 *
 * Options (env): BENCH_API_MIGRATIONS (default 40), BENCH_API_REQUESTS (default 200 per kind).
 * Needs MariaDB on 127.0.0.1:3306 and the Temporal CLI (scripts/ensure-temporal.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { buildRuntime } from './build';
import { seedSales } from './seed-sales';
import { MARIADB_URL, mariadb, uniqueName } from '../test/support/mariadb';
import { api, startStack, type Stack } from '../test/support/stack';

const MIGRATIONS = Number(process.env.BENCH_API_MIGRATIONS ?? 40);
const REQUESTS = Number(process.env.BENCH_API_REQUESTS ?? 200);
const ROWS = 20_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(stack: Stack, paths: () => string, n: number): Promise<{ p50: number; p95: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await api(stack.app, 'GET', paths());
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET ${paths()} answered ${res.status}`);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1] };
}

async function measure(stack: Stack, ids: string[], label: string) {
  const list = await api(stack.app, 'GET', '/api/migrations?page_size=50');
  const statuses = new Map<string, number>();
  for (const m of list.body.migrations as Array<{ status: string }>) statuses.set(m.status, (statuses.get(m.status) ?? 0) + 1);
  let k = 0;
  const l = await time(stack, () => '/api/migrations?page_size=50', REQUESTS);
  const g = await time(stack, () => `/api/migrations/${ids[k++ % ids.length]}`, REQUESTS);
  const f = (x: number) => x.toFixed(0).padStart(5);
  console.log(`${label.padEnd(16)} | list p50 ${f(l.p50)} ms  p95 ${f(l.p95)} ms  max ${f(l.max)} ms | get p50 ${f(g.p50)} ms  p95 ${f(g.p95)} ms  max ${f(g.max)} ms | listed: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}`);
}

async function main() {
  await buildRuntime();
  const table = uniqueName('es_bench_api');
  await seedSales(MARIADB_URL, ROWS, table);
  const stack = await startStack({ project: 'bench_api' });
  let worker: ChildProcess | undefined;
  try {
    worker = stack.spawnWorker();
    // Slow enough that every migration is still copying when the timings end.
    stack.emulator.state.setDelay({ ms: 2_000, path: 'ingest' });
    const ids: string[] = [];
    for (let i = 0; i < MIGRATIONS; i++) {
      const res = await api(stack.app, 'POST', '/api/migrations', {
        name: `bench api ${i}`,
        source_type: 'SINGLESTORE',
        source_config: { table },
        destination_type: 'HYDROLIX',
        destination_config: { table: `bench_api_${i}` },
        options: { chunk_rows: 1_000, batch_rows: 100, parallelism: 1 },
      });
      if (res.status !== 201) throw new Error(`start answered ${res.status}: ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
    }
    // Until every migration has left pending (its first step ran on the worker).
    for (let i = 0; i < 240; i++) {
      const page = await api(stack.app, 'GET', '/api/migrations?page_size=200&status=pending');
      if (page.body.migrations.length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`${MIGRATIONS} migrations running, ${REQUESTS} requests of each kind, one at a time`);
    await measure(stack, ids, 'worker running');
    worker.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 1_000));
    try {
      await measure(stack, ids, 'worker stopped');
    } finally {
      worker.kill('SIGCONT');
    }
  } finally {
    if (worker) worker.kill('SIGKILL');
    await stack.stop();
    const db = await mariadb();
    await db.query(`DROP TABLE IF EXISTS \`${table}\``);
    await db.end();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
