/** Everything the API asks of Temporal about migrations: start, describe, list, cancel. */
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ChunkHeartbeat } from '../workflows/types';
import type { MigrationInput, MigrationState, Progress } from '../workflows/types';
import { MIGRATION_WORKFLOW } from '../workflows/types';
import type { MigrationStatus, MigrationView } from './schemas';

export interface MigrationMemo {
  name: string;
  source_type: string;
  destination_type: string;
  created_at: string;
  /** Set on runs started by a schedule (api/schedules-service.ts); those have no created_at. */
  schedule_id?: string;
}

const QUERY_TIMEOUT_MS = 3_000;

export class MigrationNotFound extends Error {}
/** The request conflicts with the migration's status (e.g. retrying a running one). */
export class MigrationConflict extends Error {}
/** A retry needs the last run's state from a worker and none answered (the detail is logged, not shown). */
export class MigrationUnavailable extends Error {}

export class MigrationsService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  newId(): string {
    return `mig-${randomUUID()}`;
  }

  async start(input: MigrationInput): Promise<MigrationView> {
    const memo: MigrationMemo = {
      name: input.name,
      source_type: input.source.type,
      destination_type: input.destination.type,
      created_at: input.createdAt,
    };
    await this.client.workflow.start(MIGRATION_WORKFLOW, {
      workflowId: input.migrationId,
      taskQueue: this.taskQueue,
      args: [input],
      memo: memo as unknown as Record<string, unknown>,
    });
    // Just started: nothing to ask the workflow yet, and no reason to wait for a worker.
    const now = new Date();
    return toView(input.migrationId, 'RUNNING', memo, { startTime: now, closeTime: undefined }, undefined);
  }

  async get(id: string): Promise<MigrationView> {
    const handle = this.client.workflow.getHandle(id);
    let desc: WorkflowExecutionDescription;
    try {
      desc = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || (err as Error).name === 'WorkflowNotFoundError') throw new MigrationNotFound(id);
      throw err;
    }
    // Only our migrations: the namespace may hold other workflows, whatever their ids look like.
    if (desc.type !== MIGRATION_WORKFLOW || desc.taskQueue !== this.taskQueue) throw new MigrationNotFound(id);
    let progress = await this.progress(id);
    if (!progress && desc.status.name === 'FAILED') progress = await this.failureFromHistory(id);
    if (progress && desc.status.name === 'RUNNING') {
      // Finished chunks come from the workflow; rows of chunks in flight from their heartbeats.
      progress.rowsCopied += inFlightRows(desc);
    }
    return toView(id, desc.status.name, (desc.memo ?? {}) as Partial<MigrationMemo>, desc, progress);
  }

  async list(limit = 100): Promise<MigrationView[]> {
    const rows: MigrationView[] = [];
    // Our task queue only, like get(); the name comes from the environment, quotes escaped all the same.
    const query = `WorkflowType = '${MIGRATION_WORKFLOW}' AND TaskQueue = '${this.taskQueue.replace(/['\\]/g, '\\$&')}' AND ExecutionStatus != 'ContinuedAsNew'`;
    for await (const info of this.client.workflow.list({ query, pageSize: limit })) {
      const progress = info.status.name === 'RUNNING' ? await this.progress(info.workflowId) : undefined;
      rows.push(toView(info.workflowId, info.status.name, (info.memo ?? {}) as Partial<MigrationMemo>, info, progress));
      if (rows.length >= limit) break;
    }
    // Newest first, by the migration's own creation time (continue-as-new runs start later).
    return rows.sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async cancel(id: string): Promise<MigrationView> {
    const view = await this.get(id);
    if (view.status === 'running' || view.status === 'pending') {
      await this.client.workflow.getHandle(id).cancel();
    }
    return view;
  }

  /**
   * Resumes a failed or cancelled migration: a new run under the same id, carrying the last
   * run's state, so finished chunks are skipped and interrupted ones resume from what landed.
   */
  async retry(id: string): Promise<MigrationView> {
    const view = await this.get(id);
    if (view.status !== 'failed' && view.status !== 'cancelled') {
      throw new MigrationConflict(`only failed or cancelled migrations can be retried; this one is ${view.status}`);
    }
    const handle = this.client.workflow.getHandle(id);
    let last: { input: MigrationInput; state: MigrationState };
    try {
      last = await handle.query('resume');
    } catch (err) {
      console.error(`retry ${id}: the resume query failed:`, err);
      throw new MigrationUnavailable("cannot read the last run's state: no worker answered (is a worker running?)");
    }
    const desc = await handle.describe();
    const carried: MigrationState = {
      ...last.state,
      phase: 'pending',
      error: undefined,
      verification: undefined,
      copyStartedAt: undefined,
      runs: last.state.runs + 1,
    };
    try {
      await this.client.workflow.start(MIGRATION_WORKFLOW, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [{ ...last.input, carried }],
        memo: desc.memo,
      });
    } catch (err) {
      // Two retries at once: the other one started the new run.
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new MigrationConflict('a new run of this migration has already started');
      throw err;
    }
    return { ...view, status: 'pending', error: null, phase: 'pending' };
  }

  /**
   * Without a worker to answer the query, a failed run's message still comes from its history's
   * last event (the innermost cause, as the workflow itself would report it).
   */
  private async failureFromHistory(id: string): Promise<Progress | undefined> {
    try {
      const history = await this.client.workflow.getHandle(id).fetchHistory();
      const last = history.events?.[history.events.length - 1];
      let failure = last?.workflowExecutionFailedEventAttributes?.failure;
      let message = failure?.message ?? undefined;
      while (failure?.cause) {
        failure = failure.cause;
        if (failure.message) message = failure.message;
      }
      if (!message) return undefined;
      return {
        phase: 'failed',
        rowsCopied: 0,
        rowsTotal: null,
        chunksDone: 0,
        chunksTotal: null,
        rowsPerSecond: null,
        target: null,
        warnings: [],
        error: message,
        runs: 1,
        verification: null,
        highWaterMark: null,
      };
    } catch {
      return undefined;
    }
  }

  /** The workflow's own progress query; undefined when no worker answers in time. */
  private async progress(id: string): Promise<Progress | undefined> {
    // A gRPC deadline rather than a race with a timer: the call itself ends, instead of retrying
    // in the background after the answer was given up on (and after the connection closed).
    try {
      return await this.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => this.client.workflow.getHandle(id).query<Progress>('progress'));
    } catch {
      return undefined;
    }
  }
}

function inFlightRows(desc: WorkflowExecutionDescription): number {
  let rows = 0;
  for (const activity of desc.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'copyChunk') continue;
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    try {
      rows += defaultPayloadConverter.fromPayload<ChunkHeartbeat>(payload)?.rows ?? 0;
    } catch {
      /* an undecodable heartbeat only costs precision */
    }
  }
  return rows;
}

function statusOf(temporalStatus: string, progress?: Progress): MigrationStatus {
  switch (temporalStatus) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      // Until the first activity starts (or while no worker answers) it is pending.
      return progress && progress.phase !== 'pending' ? 'running' : 'pending';
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed'; // FAILED, TERMINATED, TIMED_OUT
  }
}

function toView(
  id: string,
  temporalStatus: string,
  memo: Partial<MigrationMemo>,
  info: { startTime: Date; closeTime?: Date; historyLength?: number },
  progress?: Progress,
): MigrationView {
  const status = statusOf(temporalStatus, progress);
  const rowsTotal = progress?.rowsTotal ?? null;
  const rowsCopied = progress?.rowsCopied ?? 0;
  let pct = 0;
  if (status === 'completed') pct = 100;
  else if (rowsTotal && rowsTotal > 0) pct = Math.min(99, Math.floor((rowsCopied * 100) / rowsTotal));
  let error = progress?.error ?? null;
  if (!error && temporalStatus === 'TERMINATED') error = 'terminated';
  if (!error && temporalStatus === 'TIMED_OUT') error = 'timed out';
  return {
    id,
    name: memo.name ?? id,
    status,
    progress: pct,
    rows_copied: rowsCopied,
    rows_total: rowsTotal,
    created_at: memo.created_at ?? info.startTime.toISOString(),
    updated_at: (info.closeTime ?? new Date()).toISOString(),
    error,
    source_type: memo.source_type ?? 'unknown',
    destination_type: memo.destination_type ?? 'unknown',
    phase: progress?.phase ?? (status === 'running' ? 'running' : status),
    chunks_done: progress?.chunksDone ?? 0,
    chunks_total: progress?.chunksTotal ?? null,
    rows_per_second: progress?.rowsPerSecond ?? null,
    target: progress?.target ?? null,
    warnings: progress?.warnings ?? [],
    high_water_mark: progress?.highWaterMark ?? null,
    boundary_fingerprints: progress?.boundaryFingerprints ?? null,
    lookback: progress?.lookback ?? null,
    rows_skipped: progress?.rowsSkipped ?? 0,
    runs: progress?.runs ?? 1,
    schedule_id: memo.schedule_id ?? null,
    verification: progress?.verification
      ? {
          source_rows: progress.verification.sourceRows,
          destination_rows: progress.verification.destinationRows,
          source_key_sum: progress.verification.sourceKeySum ?? null,
          destination_key_sum: progress.verification.destinationKeySum ?? null,
          ...(progress.verification.destinationDistinctKeys !== undefined
            ? { destination_distinct_keys: progress.verification.destinationDistinctKeys, duplicates: progress.verification.duplicates ?? 0 }
            : {}),
          ok: progress.verification.ok,
        }
      : null,
  };
}
