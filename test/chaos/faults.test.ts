/**
 * The fault matrix ("Prove durability"), small: every fault on ~40,000 rows in 4,000-row chunks.
 * Each migration must end `completed` with every source row exactly once at the destination,
 * and at most one chunk of rows re-sent per injected fault.
 *
 * Each scenario has its own stack (dev server, emulator, proxy, task queue), so they run two at
 * a time: the worker-kill scenario spends most of its time waiting out heartbeat timeouts
 * (2 min for a setup activity, 30 s for a chunk), the others run meanwhile.
 * `npm run chaos` runs the same scenarios at ≥200,000 rows with a 30 s source outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import {
  destinationErrors,
  killsAndLostAnswer,
  lostAnswerThenKill,
  sourceOutage,
  temporalRestart,
  twoWorkersOneKilled,
  workerSigterm,
  workerKills,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenarios';

const ROWS = 40_000;
const CHUNK = 4_000;
const source = uniqueName('es_chaos_src');
const base: ScenarioOptions = {
  rows: ROWS,
  chunkRows: CHUNK,
  batchRows: 500,
  ingestDelayMs: 60,
  outageMs: Number(process.env.CHAOS_TEST_OUTAGE_MS ?? 10_000),
  temporalDownMs: 3_000,
  destinationFaultMs: 6_000,
  sourceTable: source,
  finishTimeoutMs: 240_000,
};

/** At most `n` scenarios at once (2 cores; each has its own dev server and worker processes). */
function limiter(n: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
const slot = limiter(2);
const results: ScenarioResult[] = [];

beforeAll(async () => {
  await seedSales(MARIADB_URL, ROWS, source);
});

afterAll(async () => {
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${source}\``);
  await db.end();
  for (const r of results) {
    console.log(`${r.fault} | ${r.result} | ${r.rowsAtDestination} | dup ${r.duplicates} | resent ${r.rowsResent} | ${r.seconds}s\n  ${r.notes.join('\n  ')}`);
  }
});

function expectDurable(r: ScenarioResult) {
  results.push(r);
  expect(r.result).toBe('completed');
  expect(r.rowsAtDestination).toBe(ROWS);
  expect(r.duplicates).toBe(0);
  expect(r.missing).toBe(0);
  expect(r.faults).toBeGreaterThanOrEqual(1);
  expect(r.rowsResent).toBeGreaterThanOrEqual(0);
  expect(r.rowsResent).toBeLessThanOrEqual(r.faults * r.chunkRows);
}

describe.concurrent('fault matrix', () => {
  it('1. worker processes SIGKILLed during setup, mid-chunk and between chunks', { timeout: 330_000 }, async () => {
    const r = await slot(() => workerKills(base));
    expectDurable(r);
    expect(r.faults).toBe(3);
  });

  it('2. Temporal dev server SIGKILLed and restarted on the same file and port', { timeout: 330_000 }, async () => {
    expectDurable(await slot(() => temporalRestart(base)));
  });

  it('3. source database unreachable mid-copy', { timeout: 330_000 }, async () => {
    expectDurable(await slot(() => sourceOutage(base)));
  });

  it('4. destination answers 503, then 429, then recovers', { timeout: 330_000 }, async () => {
    expectDurable(await slot(() => destinationErrors(base)));
  });

  it('5. two workers on one task queue, one SIGKILLed mid-copy', { timeout: 330_000 }, async () => {
    expectDurable(await slot(() => twoWorkersOneKilled(base)));
  });

  it('6. worker stopped gracefully (SIGTERM) mid-chunk', { timeout: 330_000 }, async () => {
    expectDurable(await slot(() => workerSigterm(base)));
  });

  it('7. worker SIGKILLed twice mid-copy and one ingest answer lost after the rows were stored', { timeout: 400_000 }, async () => {
    const r = await slot(() => killsAndLostAnswer(base));
    expectDurable(r);
    expect(r.faults).toBe(3);
  });

  it('8. an ingest answer lost, and the worker SIGKILLed before it settled it', { timeout: 330_000 }, async () => {
    expectDurable(await slot(() => lostAnswerThenKill(base)));
  });
});
