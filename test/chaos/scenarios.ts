/**
 * The fault matrix ("Prove durability"): one function per fault. Each builds its own harness
 * (own Temporal dev server, emulator, proxy, task queue), runs one migration of a
 * `sales_data`-shaped table through the fault, and measures what landed.
 */
import { ChaosHarness, randInt, sleep, type WorkerProc } from './harness';

export interface ScenarioOptions {
  rows: number;
  chunkRows: number;
  batchRows: number;
  parallelism?: number;
  /** Ingest delay (ms per request) so the copy lasts long enough for faults to land mid-copy. */
  ingestDelayMs?: number;
  /** Scenario 3: how long the source stays unreachable. */
  outageMs?: number;
  /** Scenario 2: how long the Temporal dev server stays dead. */
  temporalDownMs?: number;
  /** Scenario 4: how long each of 503 and 429 is answered. */
  destinationFaultMs?: number;
  /** A table already seeded with `rows` rows (ids 1..rows); otherwise each scenario seeds its own. */
  sourceTable?: string;
  /** Per-scenario deadline for the migration to finish after the last fault. */
  finishTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface ScenarioResult {
  fault: string;
  /** Final migration status (`completed`), or what went wrong. */
  result: string;
  rowsAtDestination: number;
  duplicates: number;
  /** Rows the destination received beyond the source rows. */
  rowsResent: number;
  chunkRows: number;
  batchRows: number;
  seconds: number;
  sourceRows: number;
  missing: number;
  /** How many faults were injected (the re-send budget is one chunk per fault). */
  faults: number;
  migrationId?: string;
  notes: string[];
}

type Body = (h: ChaosHarness, o: Required<Pick<ScenarioOptions, 'rows' | 'chunkRows' | 'batchRows'>> & ScenarioOptions, ctx: Ctx) => Promise<void>;

interface Ctx {
  id?: string;
  dest: string;
  faults: number;
  notes: string[];
  note(msg: string): void;
  final?: any;
}

async function runScenario(label: string, fault: string, opts: ScenarioOptions, body: Body): Promise<ScenarioResult> {
  const started = Date.now();
  const dest = `${label.replace(/-/g, '_')}_${Math.random().toString(36).slice(2, 7)}`;
  const h = await ChaosHarness.start({ label, log: opts.log, ingestDelayMs: opts.ingestDelayMs ?? 0 });
  const ctx: Ctx = {
    dest,
    faults: 0,
    notes: [],
    note(msg) {
      this.notes.push(msg);
      h.log(msg);
    },
  };
  let result = 'not started';
  try {
    if (opts.sourceTable) h.useSource(opts.sourceTable);
    else await h.seed(opts.rows);
    await body(h, opts, ctx);
    if (!ctx.id) throw new Error('scenario started no migration');
    ctx.final ??= await h.waitForEnd(ctx.id, opts.finishTimeoutMs ?? 300_000);
    result = ctx.final.status === 'completed' ? 'completed' : `${ctx.final.status}: ${ctx.final.error ?? ''}`.trim();
    if (ctx.final.status === 'completed') {
      const v = ctx.final.verification;
      if (v && v.ok !== true) result = `completed, but verification says ${JSON.stringify(v)}`;
    }
    const retried = await h.retriedAttempts(ctx.id);
    if (retried >= 0) ctx.note(`activity attempts > 1 in the last run's history: ${retried}`);
  } catch (err) {
    result = `error: ${(err as Error).message}`;
    h.log(result);
  }
  try {
    const m = h.measure(dest, opts.rows, { from: 1, to: opts.rows });
    const stats = h.emulator.state.getStats();
    ctx.note(`ingest statuses ${JSON.stringify(stats.byStatus)}; faults injected ${stats.faultsInjected}; requests ${stats.ingestRequests}`);
    return {
      fault,
      result,
      rowsAtDestination: m.rowsAtDestination,
      duplicates: m.duplicates,
      rowsResent: m.rowsResent,
      chunkRows: opts.chunkRows,
      batchRows: opts.batchRows,
      seconds: Math.round((Date.now() - started) / 1000),
      sourceRows: opts.rows,
      missing: m.missing,
      faults: ctx.faults,
      migrationId: ctx.id,
      notes: ctx.notes,
    };
  } finally {
    await h.stop();
  }
}


async function kill(h: ChaosHarness, w: WorkerProc, ctx: Ctx, what: string) {
  await h.killWorker(w);
  ctx.faults++;
  ctx.note(`SIGKILLed worker ${w.n} (pid ${w.pid}) ${what}`);
}

/** 1. Real worker processes SIGKILLed (a) during setup, (b) mid-chunk, (c) right after a chunk finished. */
export function workerKills(opts: ScenarioOptions): Promise<ScenarioResult> {
  return runScenario('worker-kill', 'worker SIGKILL x3 (setup, mid-chunk, between chunks)', opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    // Slow the Config API down so setup (connect, schema, plan, create table) lasts a few seconds.
    h.emulator.state.setDelay({ ms: 250, path: 'config' });
    const w1 = await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 1 });

    // (a) right after the POST, during setup. The setup steps are local activities (no pending
    // activity to see): setup is under way once the slowed Config API has answered a call and no
    // chunk is scheduled yet.
    const answered = () => Object.values(h.emulator.state.stats.allByStatus).reduce((a, b) => a + b, 0);
    const before = answered();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const p = await h.pending(ctx.id).catch(() => []);
      if (p.some((a) => a.type === 'copyChunk')) throw new Error('setup finished before the kill could land');
      if (answered() > before + randInt(0, 2) || Date.now() > deadline) break;
      await sleep(20);
    }
    await sleep(randInt(0, 150));
    await kill(h, w1, ctx, `right after the POST, during setup (${answered() - before} Config API calls answered; a worker lost in a local activity is noticed at the 10 s workflow task timeout)`);
    h.emulator.state.setDelay({ ms: 0, path: 'config' });

    // (b) mid-copy, at a random chunk count, part-way through a chunk.
    const w2 = await h.startWorker();
    const k = randInt(1, Math.max(1, Math.floor(chunks / 3)));
    const atB = await h.waitForChunks(ctx.id, k, 240_000);
    await sleep(randInt(50, 600));
    const inFlightB = await h.pending(ctx.id).catch(() => []);
    await kill(
      h,
      w2,
      ctx,
      `mid-copy after ${atB.chunks_done}/${atB.chunks_total} chunks; in flight: ${inFlightB.map((a) => `${a.type}#${a.attempt} hb=${a.heartbeatRows}`).join(', ') || 'none'}`,
    );

    // (c) right after a chunk finishes (between chunks).
    const w3 = await h.startWorker();
    const base = (await h.waitFor(ctx.id, (s) => s.phase !== 'pending', 60_000, 'progress from the new worker')).chunks_done as number;
    const goal = Math.min(chunks - 1, base + randInt(1, 2));
    const atC = await h.waitForChunks(ctx.id, goal, 240_000, 25);
    await kill(h, w3, ctx, `right after chunk ${atC.chunks_done}/${atC.chunks_total} finished`);

    await h.startWorker();
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

/** 2. The Temporal dev server SIGKILLed mid-copy and restarted on the same SQLite file and port. */
export function temporalRestart(opts: ScenarioOptions): Promise<ScenarioResult> {
  return runScenario('temporal-restart', 'Temporal dev server SIGKILL + restart', opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 2 });
    const at = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 3))));
    await h.killTemporal();
    ctx.faults++;
    ctx.note(`SIGKILLed the Temporal dev server after ${at.chunks_done}/${at.chunks_total} chunks`);
    await sleep(o.temporalDownMs ?? 3_000);
    const t0 = Date.now();
    await h.startTemporal();
    ctx.note(`dev server restarted on ${h.temporalAddress} (same SQLite file) in ${Date.now() - t0} ms`);
    const back = await h.waitFor(ctx.id, (s) => s.phase !== 'pending', 120_000, 'the API to answer again');
    ctx.note(`API answers again: ${back.status}/${back.phase} ${back.chunks_done}/${back.chunks_total}`);
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

/** 3. The source database unreachable (TCP proxy down: open sockets destroyed, new ones refused) mid-copy. */
export function sourceOutage(opts: ScenarioOptions): Promise<ScenarioResult> {
  const outage = opts.outageMs ?? 30_000;
  return runScenario('source-outage', `source unreachable ${Math.round(outage / 1000)} s`, opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 2 });
    const at = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 3))));
    await sleep(randInt(0, 300));
    await h.proxy.down();
    ctx.faults++;
    ctx.note(`source down after ${at.chunks_done}/${at.chunks_total} chunks for ${outage} ms`);
    await sleep(outage);
    const mid = await h.status(ctx.id);
    await h.proxy.up();
    ctx.note(`source up again; migration was ${mid?.status}/${mid?.phase} ${mid?.chunks_done}/${mid?.chunks_total}`);
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

/** 4. The destination answers 503 for a while, then 429 (with Retry-After), then recovers. */
export function destinationErrors(opts: ScenarioOptions): Promise<ScenarioResult> {
  const each = opts.destinationFaultMs ?? 8_000;
  return runScenario('destination-5xx', `destination 503 then 429, ${Math.round(each / 1000)} s each`, opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 2 });
    const at = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 3))));
    h.emulator.state.injectFault({ status: 503, durationMs: each, path: 'any' });
    ctx.faults++;
    ctx.note(`503 on every Hydrolix request for ${each} ms after ${at.chunks_done}/${at.chunks_total} chunks`);
    await sleep(each);
    h.emulator.state.injectFault({ status: 429, durationMs: each, path: 'any', retryAfterSeconds: 2 });
    ctx.note(`429 (Retry-After: 2) on every Hydrolix request for ${each} ms`);
    await sleep(each);
    const s = h.emulator.state.getStats().allByStatus;
    ctx.note(`destination recovered; answered 503 x${s['503'] ?? 0}, 429 x${s['429'] ?? 0}`);
    if (!s['503'] || !s['429']) throw new Error(`the faults did not hit any request (503 x${s['503'] ?? 0}, 429 x${s['429'] ?? 0})`);
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

/** 5. Two workers on the same task queue; the one running a chunk is SIGKILLed mid-copy, the other finishes. */
export function twoWorkersOneKilled(opts: ScenarioOptions): Promise<ScenarioResult> {
  return runScenario('two-workers', 'two workers, one SIGKILLed mid-copy', opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    const [a, b] = await Promise.all([h.startWorker(), h.startWorker()]);
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 2 });
    const at = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 3))));
    // Kill a worker that holds a chunk right now (so the survivor must take it over).
    let victim: WorkerProc | undefined;
    let holding = '';
    const deadline = Date.now() + 10_000;
    while (!victim && Date.now() < deadline) {
      const p = await h.pending(ctx.id).catch(() => []);
      const running = p.filter((x) => x.type === 'copyChunk' && x.state.includes('STARTED'));
      const pick = running[randInt(0, Math.max(0, running.length - 1))];
      victim = pick && [a, b].find((w) => w.identity === pick.identity);
      if (victim) holding = `${running.filter((x) => x.identity === victim!.identity).length} chunk(s) in flight, hb=${pick.heartbeatRows}`;
      else await sleep(50);
    }
    victim ??= a;
    await kill(h, victim, ctx, `after ${at.chunks_done}/${at.chunks_total} chunks, holding ${holding || 'no chunk seen'}; worker ${victim === a ? b.n : a.n} keeps running`);
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

/**
 * A worker stopped GRACEFULLY (SIGTERM, as by Ctrl-C, a deploy or Kubernetes) mid-chunk, then a
 * new worker. Chunks still running after the shutdown grace time are cancelled; a cancelled chunk
 * must fail (and resume elsewhere), never report itself finished. (This once lost a chunk's tail.)
 */
export function workerSigterm(opts: ScenarioOptions): Promise<ScenarioResult> {
  return runScenario('worker-sigterm', 'worker SIGTERM (graceful) mid-chunk', opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    const w1 = await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 1 });
    const at = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 3))));
    await sleep(randInt(100, 400));
    w1.child.kill('SIGTERM');
    const code = await w1.exited;
    ctx.faults++;
    ctx.note(`SIGTERMed worker ${w1.n} after ${at.chunks_done}/${at.chunks_total} chunks; it exited with code ${code}`);
    await h.startWorker();
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

/** Waits until the emulator has dropped `n` ingest connections in all (an injected lost answer landed). */
async function waitForDrops(h: ChaosHarness, n: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((h.emulator.state.getStats().byStatus.dropped ?? 0) < n) {
    if (Date.now() > deadline) throw new Error('the lost-answer fault never hit an ingest request');
    await sleep(20);
  }
}

/**
 * Worker processes SIGKILLed twice mid-copy, and between the kills one ingest request whose rows
 * Hydrolix stores but whose answer is lost (the connection closes before the 200). The lost answer is
 * settled by asking what landed, the kills by resuming from what landed: nothing is sent twice.
 */
export function killsAndLostAnswer(opts: ScenarioOptions): Promise<ScenarioResult> {
  return runScenario('lost-answer', 'worker SIGKILL x2 mid-copy + one lost ingest answer (rows stored, connection dropped)', opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    const w1 = await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 2 });
    const at1 = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 4))));
    await sleep(randInt(50, 600));
    const hb1 = await h.pending(ctx.id).catch(() => []);
    await kill(h, w1, ctx, `mid-copy after ${at1.chunks_done}/${at1.chunks_total} chunks; in flight: ${hb1.map((a) => `${a.type}#${a.attempt} hb=${a.heartbeatRows}`).join(', ') || 'none'}`);

    const w2 = await h.startWorker();
    const resumed = await h.waitForChunks(ctx.id, at1.chunks_done + 1, 240_000);
    h.emulator.state.injectFault({ status: 0, kind: 'store-then-drop', path: 'ingest' });
    await waitForDrops(h, 1);
    ctx.faults++;
    ctx.note(`lost answer: an ingest request stored, then its connection closed without an answer (after ${resumed.chunks_done}/${resumed.chunks_total} chunks)`);

    const at2 = await h.waitForChunks(ctx.id, Math.min(chunks - 1, resumed.chunks_done + randInt(1, 3)), 240_000);
    await sleep(randInt(50, 600));
    const hb2 = await h.pending(ctx.id).catch(() => []);
    await kill(h, w2, ctx, `mid-copy after ${at2.chunks_done}/${at2.chunks_total} chunks; in flight: ${hb2.map((a) => `${a.type}#${a.attempt} hb=${a.heartbeatRows}`).join(', ') || 'none'}`);
    await h.startWorker();
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
    const v = ctx.final.verification;
    if (v) ctx.note(`verification: ${JSON.stringify(v)}`);
  });
}

/**
 * A lost answer and, before the worker has settled it, a SIGKILL: the next attempt of the chunk finds
 * the stored rows by asking what landed (after the visibility wait, 3 s here) and continues after them.
 */
export function lostAnswerThenKill(opts: ScenarioOptions): Promise<ScenarioResult> {
  return runScenario('lost-then-kill', 'lost ingest answer, worker SIGKILLed before settling it', opts, async (h, o, ctx) => {
    const chunks = Math.ceil(o.rows / o.chunkRows);
    // The worker waits this long before asking what a lost request stored: the kill lands inside it.
    h.workerEnv.HYDROLIX_VISIBILITY_WAIT_MS = '3000';
    const w1 = await h.startWorker();
    ctx.id = await h.startMigration({ dest: ctx.dest, chunkRows: o.chunkRows, batchRows: o.batchRows, parallelism: o.parallelism ?? 2 });
    const at = await h.waitForChunks(ctx.id, randInt(1, Math.max(1, Math.floor(chunks / 3))));
    h.emulator.state.injectFault({ status: 0, kind: 'store-then-drop', path: 'ingest' });
    await waitForDrops(h, 1);
    await sleep(randInt(100, 1500));
    await kill(h, w1, ctx, `right after a lost answer (rows stored, connection closed), before the worker settled it; ${at.chunks_done}/${at.chunks_total} chunks done`);
    await h.startWorker();
    ctx.final = await h.waitForEnd(ctx.id, o.finishTimeoutMs ?? 300_000);
  });
}

export const SCENARIOS = [
  { key: 'worker-kill', run: workerKills },
  { key: 'temporal-restart', run: temporalRestart },
  { key: 'source-outage', run: sourceOutage },
  { key: 'destination-errors', run: destinationErrors },
  { key: 'two-workers', run: twoWorkersOneKilled },
  { key: 'worker-sigterm', run: workerSigterm },
  { key: 'lost-answer', run: killsAndLostAnswer },
  { key: 'lost-then-kill', run: lostAnswerThenKill },
] as const;

/** Opt-in scenarios (`npm run chaos -- --only <key>`); none at the moment. */
export const EXTRA_SCENARIOS = [] as const;
