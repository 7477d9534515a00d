/**
 * One migration = one workflow: connect, read schema, plan key ranges, create the
 * destination table, then copy chunk by chunk. Deterministic orchestration only;
 * every byte moves inside activities.
 */
import {
  type ActivityInterfaceFor,
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  isCancellation,
  type LocalActivityInterfaceFor,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  initialState,
  chunkCount,
  chunkRange,
  compareTallies,
  duplicatesWarning,
  verificationFailure,
  type FinishedTable,
  type MigrationInput,
  type CopyChunkInput,
  type MigrationState,
  type Progress,
} from './types';
import type { Tally } from '../connectors/types';
import { fingerprintCount, MAX_FINGERPRINTS } from './incremental';
import { chunkActivityId, chunkSummary, STEP_SUMMARIES } from './metadata';
import { applyNews, chunkFinished, NEWS_SIGNAL_DESCRIPTION, newNewsBoard, newsSignal } from './news';
import { progressPublisher } from './publish';

type Activities = ReturnType<typeof createActivities>;

const NON_RETRYABLE = ['PermanentError'];

/** Steps after the copy (verification, the schedule's mark): quick, retried a few times for transient network trouble. */
const setup = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // Setup activities beat every 5 s (withHeartbeat): a dead worker is noticed in 20 s.
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * The setup steps before the copy, as local activities: run by the worker inside the workflow
 * task, so they cost no server round trip each (1M-row run: ~0.1 s of ~2.9 s). They are short and
 * idempotent; a worker that dies in one is noticed by the workflow task timeout, and the next
 * worker runs it again. They show in the Web UI as local-activity markers, with their summaries.
 */
const localSetup = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Connecting and reading the schema: seconds when the servers answer. A short start-to-close, so a
 * hung server (or a source query that sleeps) costs minutes in all, not ten per attempt.
 */
const quickSetup = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Chunk copies: heartbeated, so a dead worker is noticed within heartbeatTimeout and the
 * chunk resumes elsewhere from its last heartbeat. Retries cover ~20 minutes of source or
 * destination outage before the run fails (a failed run is resumable).
 */
const copy = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s', maximumAttempts: 25, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Finishing the destination table: an index build on a big table takes minutes, so a long
 * start-to-close; it heartbeats every 5 s (withHeartbeat), so a dead worker is still noticed in 30 s.
 */
const finish = proxyActivities<Activities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '60s', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

export const progressQuery = defineQuery<Progress>('progress');
/** Everything a retry needs to resume: the input and the full state (see api retry). */
export const resumeQuery = defineQuery<{ input: MigrationInput; state: MigrationState }>('resume');

/** A step's activity with its summary (shown on its event and timeline bar in the Web UI). */
function step<K extends keyof Activities & keyof typeof STEP_SUMMARIES>(
  proxy: ActivityInterfaceFor<Activities> | LocalActivityInterfaceFor<Activities>,
  name: K,
  ...args: Parameters<Activities[K]>
): Promise<Awaited<ReturnType<Activities[K]>>> {
  const fn = proxy[name] as unknown as { executeWithOptions(options: { summary: string }, args: unknown[]): Promise<Awaited<ReturnType<Activities[K]>>> };
  return fn.executeWithOptions({ summary: STEP_SUMMARIES[name] }, args);
}

export function progressOf(state: MigrationState, now: number): Progress {
  const copyMs = state.copyMsBefore + (state.copyStartedAt !== undefined ? now - state.copyStartedAt : 0);
  return {
    phase: state.phase,
    rowsCopied: state.rowsCopied,
    rowsTotal: state.plan ? state.plan.rowsTotal : null,
    chunksDone: Object.keys(state.doneChunks).length,
    chunksTotal: state.plan ? chunkCount(state.plan) : null,
    rowsPerSecond: copyMs > 0 ? Math.round((state.rowsCopied * 1000) / copyMs) : null,
    target: state.target ?? null,
    warnings: state.warnings,
    error: state.error ?? null,
    runs: state.runs,
    verification: state.verification ?? null,
    highWaterMark: state.window ? state.window.upTo : null,
    // Only a completed run's set is whole: the next run takes it with the mark.
    boundaryFingerprints: state.bounds && state.phase === 'completed' && !state.seenOverflow ? (state.seen ?? '') : null,
    lookback: state.bounds?.lookback ?? null,
    rowsSkipped: state.rowsSkipped ?? 0,
  };
}

export async function migrationWorkflow(input: MigrationInput): Promise<Progress> {
  const state: MigrationState = input.carried ?? initialState();
  const board = newNewsBoard();
  const publish = progressPublisher(state, board);
  setHandler(progressQuery, () => progressOf(state, Date.now()), {
    description: 'Phase, rows and chunks done, rows/s, target, warnings, verification (finished chunks only; the API adds heartbeats).',
  });
  setHandler(resumeQuery, () => ({ input: { ...input, carried: undefined }, state }), {
    description: "The run's input and full state: what a retry carries into its new run (POST /api/migrations/{id}/retry).",
  });
  setHandler(
    newsSignal,
    (news) => {
      applyNews(board, state, news);
      publish.details();
    },
    { description: NEWS_SIGNAL_DESCRIPTION },
  );
  const endpoints = { source: input.source, destination: input.destination };

  try {
    if (!state.schema) {
      state.phase = 'connecting';
      publish();
      const servers = await step(quickSetup, 'checkConnections', endpoints);
      state.sourceServer = servers.sourceServer;
      state.destinationServer = servers.destinationServer;

      state.phase = 'reading_schema';
      publish();
      state.schema = await step(quickSetup, 'readSourceSchema', input.source);
    }
    const schema = state.schema;
    if (input.options.mode === 'incremental' && !state.window) {
      state.phase = 'planning';
      publish();
      const mark = input.options.highWaterMark ?? null;
      const { keepFrom, keepRows, ...window } = await step(localSetup, 'incrementalWindow', {
        source: input.source,
        schema,
        column: input.options.cursorColumn!,
        after: mark,
        lookback: input.options.lookback,
      });
      state.window = window;
      state.bounds = { mark, keepFrom: keepFrom ?? null, keepRows: keepRows ?? 0, lookback: input.options.lookback ?? null };
      state.rowsSkipped = 0;
      state.seen = '';
    }
    // The row set this run copies: everything, or the incremental window.
    const source = state.window ? { ...input.source, spec: { ...input.source.spec, window: state.window } } : input.source;
    if (!state.plan) {
      state.phase = 'planning';
      publish();
      state.plan = await step(localSetup, 'planChunks', { source, schema, chunkRows: input.options.chunkRows, parallelism: input.options.parallelism });
    }
    if (!state.target) {
      state.phase = 'creating_table';
      publish();
      // The run's row set (an incremental run's carries its window: setup refuses a mapping that drops the cursor).
      const created = await step(localSetup, 'createDestinationTable', { destination: input.destination, schema, source });
      state.target = created.target;
      state.destinationPreexisted = !created.created;
      state.warnings.push(...created.warnings);
    }

    state.phase = 'copying';
    state.copyStartedAt = Date.now();
    publish();
    const plan = state.plan;
    const pending: number[] = [];
    for (let i = 0; i < chunkCount(plan); i++) if (state.doneChunks[i] === undefined) pending.push(i);
    // The source half of verification: taken while planning, or, when planning walked the key
    // without a full scan, by tallySource alongside the copy (the scan is disk-bound, the copy
    // CPU-bound), in the run that will finish the copy.
    const tallying = plan.tally || pending.length > input.options.chunksPerRun ? undefined : step(finish, 'tallySource', { source, schema });
    tallying?.catch(() => undefined); // awaited after the copy; a failure then fails the run there

    // Only chunks that may hold rows already (in flight when an earlier run ended, or a
    // pre-existing table) pay for asking the destination what landed. A run reset in the Web UI
    // (its run id differs from the one its start event records) may be replaying a point before
    // chunks the reset run went on to write: every chunk it copies asks.
    const mayHaveLanded = new Set(state.inFlight);
    const resetRun = workflowInfo().runId !== workflowInfo().originalExecutionRunId;
    let finishedThisRun = 0;
    const shouldRollOver = () =>
      finishedThisRun >= input.options.chunksPerRun || workflowInfo().continueAsNewSuggested;

    const runLane = async () => {
      while (pending.length > 0 && !shouldRollOver()) {
        const chunkIndex = pending.shift()!;
        if (!state.inFlight.includes(chunkIndex)) state.inFlight.push(chunkIndex);
        const range = chunkRange(plan, chunkIndex);
        const chunkInput: CopyChunkInput = {
          chunkIndex,
          range,
          source,
          destination: input.destination,
          schema,
          batchRows: input.options.batchRows,
          // An incremental run writes into a table holding earlier runs: only its own
          // interrupted chunks need checking (and that check is restricted to its window).
          mayHaveLanded: resetRun || (state.destinationPreexisted && !state.window) || mayHaveLanded.has(chunkIndex),
          ...(state.bounds && state.window
            ? {
                boundary: {
                  column: state.window.column,
                  mark: state.bounds.mark,
                  seen: input.options.boundaryFingerprints ?? '',
                  keepFrom: state.bounds.keepFrom,
                  upTo: state.window.upTo,
                },
              }
            : {}),
        };
        // The activity id names the chunk: the API tells chunks in flight apart by it (a chunk is scheduled once per run).
        const options = { activityId: chunkActivityId(chunkIndex), summary: chunkSummary(chunkIndex, chunkCount(plan), range) };
        const result = await copy.copyChunk.executeWithOptions(options, [chunkInput]);
        state.doneChunks[chunkIndex] = result.rows;
        chunkFinished(board, chunkIndex);
        state.inFlight = state.inFlight.filter((i) => i !== chunkIndex);
        state.rowsCopied += result.rows;
        if (state.bounds) collectFingerprints(state, result.skipped ?? 0, result.seen ?? '');
        finishedThisRun++;
        publish();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, input.options.parallelism) }, runLane));

    if (pending.length > 0) {
      state.copyMsBefore += Date.now() - (state.copyStartedAt ?? Date.now());
      state.copyStartedAt = undefined;
      state.runs++;
      publish();
      await continueAsNew<typeof migrationWorkflow>({ ...input, carried: state });
    }

    state.copyMsBefore += Date.now() - (state.copyStartedAt ?? Date.now());
    state.copyStartedAt = undefined;

    // The destination half of verification is taken while the destination finishes (PostgreSQL
    // builds its key): with both halves in hand, verification needs no further activity.
    state.phase = 'finishing';
    publish();
    const [finished, sourceTally]: [FinishedTable, Tally] = await Promise.all([
      step(finish, 'finishAndTallyDestination', { destination: input.destination, schema }),
      plan.tally ?? tallying ?? step(finish, 'tallySource', { source, schema }),
    ]);
    state.warnings.push(...finished.notes);

    state.phase = 'verifying';
    publish();
    // Tallies that agree verify the run. Any doubt goes to verifyCounts, which
    // counts again: the destination (one that indexes asynchronously may lag) and, when the tally
    // in hand is the planning one, the source (rows may have come or gone since).
    // An incremental run accounts for every row it read in its window: copied, or skipped as delivered before.
    const rowsRead = state.rowsCopied + (state.rowsSkipped ?? 0);
    const windowCopied = state.window ? rowsRead : undefined;
    const agreed = finished.tally ? compareTallies(sourceTally, finished.tally, windowCopied) : null;
    state.verification = agreed?.ok
      ? agreed
      : await step(setup, 'verifyCounts', {
          source,
          destination: input.destination,
          schema,
          rowsCopied: state.window ? rowsRead : state.rowsCopied,
          incremental: state.window !== undefined,
          // A planning tally may be stale by now: verifyCounts counts the source again. One taken during the copy is fresh.
          sourceTally: plan.tally ? undefined : sourceTally,
        });
    const changed = sourceChangedDuringRun(state);
    if (changed) {
      state.warnings.push(changed);
      state.verification = { ...state.verification, ok: true };
    }
    if (!state.verification.ok) {
      const v = state.verification;
      throw ApplicationFailure.create({
        type: 'VerificationFailed',
        message: state.window
          ? `verification failed: the source window holds ${v.sourceRows} rows but ${rowsRead} were read (${state.rowsCopied} copied)`
          : verificationFailure(v, state.target ?? 'the destination'),
        nonRetryable: true,
      });
    }
    // Append-only destinations may hold copies of a row: said in warnings, with how to read past them.
    // The hint names the key as the destination calls it (a column mapping may rename key columns, never drop them).
    const destinationKey = schema.key.map((k) => input.destination.spec.columns?.[k]?.name ?? k);
    const duplicates = duplicatesWarning(state.verification, state.target ?? 'the destination', destinationKey);
    if (duplicates && !state.warnings.includes(duplicates)) state.warnings.push(duplicates);
    // A scheduled incremental run hands its high-water mark to the next run through the schedule.
    const scheduleId = (workflowInfo().memo as { schedule_id?: string } | undefined)?.schedule_id;
    if (scheduleId && state.window && state.window.upTo !== null) {
      await step(setup, 'advanceScheduleMark', {
        scheduleId,
        highWaterMark: state.window.upTo,
        ...(state.bounds && !state.seenOverflow ? { boundaryFingerprints: state.seen ?? '' } : {}),
      });
    }
    state.phase = 'completed';
    publish();
    return progressOf(state, Date.now());
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (state.copyStartedAt !== undefined) {
      state.copyMsBefore += Date.now() - state.copyStartedAt;
      state.copyStartedAt = undefined;
    }
    if (isCancellation(err)) {
      state.phase = 'cancelled';
      publish();
      throw err;
    }
    state.phase = 'failed';
    state.error = describeFailure(err);
    publish();
    if (err instanceof ApplicationFailure) throw err;
    throw ApplicationFailure.create({ message: state.error, nonRetryable: true, cause: err as Error });
  }
}

/**
 * Adds a chunk's fingerprints to the run's set. Past MAX_FINGERPRINTS the set is dropped (it must
 * be whole to skip anything): the next run then delivers the rows of [mark - lookback, mark]
 * again, which PostgreSQL upserts absorb and Hydrolix keeps as repeated versions.
 */
function collectFingerprints(state: MigrationState, skipped: number, seen: string): void {
  state.rowsSkipped = (state.rowsSkipped ?? 0) + skipped;
  if (state.seenOverflow) return;
  const next = (state.seen ?? '') + seen;
  if (fingerprintCount(next) <= MAX_FINGERPRINTS) {
    state.seen = next;
    return;
  }
  state.seen = '';
  state.seenOverflow = true;
  state.warnings.push(
    `more than ${MAX_FINGERPRINTS} rows have a cursor within the lookback of the new high-water mark ` +
      `${state.window?.upTo}: the next run cannot recognise them and delivers them again (PostgreSQL upserts them; ` +
      `Hydrolix keeps a repeated version of each)`,
  );
}

/**
 * An incremental run's source count may move while it copies: rows committed into the window
 * after their chunk was read (cursor at the mark: the next run reads them) or moved out of it
 * by an update. When the count taken while planning and the one taken now differ, a mismatch
 * with what was read says the source changed, not that a row was lost; it is reported, not failed.
 */
function sourceChangedDuringRun(state: MigrationState): string | null {
  const v = state.verification;
  const planned = state.plan?.tally?.rows;
  if (!state.bounds || !v || v.ok || planned === undefined || v.sourceRows === planned) return null;
  const read = state.rowsCopied + (state.rowsSkipped ?? 0);
  return (
    `the source window changed during the run (${planned} rows when planned, ${v.sourceRows} now, ${read} read): ` +
    `rows committed into it since are read by the next run`
  );
}

/** The innermost failure message: that is what a user needs ("table x does not exist"), not the wrapper. */
function describeFailure(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  let message = e?.message ?? String(err);
  while (e && e.cause) {
    e = e.cause as { message?: string; cause?: unknown };
    if (e.message) message = e.message;
  }
  return message;
}
