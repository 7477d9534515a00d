/**
 * Tells a run what its activities see and it cannot: rows of chunks in flight (their heartbeats)
 * and trouble being retried inside an activity (Hydrolix answering 503 in the HTTP retry loop) or
 * by Temporal (a failed attempt). Sent as the `news` signal (workflows/news.ts) through the
 * worker's Temporal client, at most one signal per run every few seconds, so a long outage or a
 * fast copy costs a handful of history events, not one per batch or retry.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import { onRetryEvent, type RetryEvent } from '../connectors/hydrolix/http';
import { newsSignal, type RunNews } from '../workflows/news';
import type { ChunkHeartbeat } from '../workflows/types';

/** Chunk rows are sent at most this often per run (the UI's current details move at this pace). */
const PROGRESS_EVERY_MS = 10_000;
/** Trouble and recovery go out sooner, but never more than one signal per run in this time. */
const MIN_GAP_MS = 2_000;

interface RunKey {
  workflowId: string;
  runId: string;
}

/** Pending news of one run, keyed so a newer item replaces an older one of the same kind. */
class RunOutbox {
  private pending = new Map<string, RunNews>();
  private timer?: NodeJS.Timeout;
  private dueAt = Infinity;
  private lastSent = 0;

  constructor(
    private readonly run: RunKey,
    private readonly send: (run: RunKey, news: RunNews[]) => Promise<void>,
    private readonly onIdle: () => void,
  ) {}

  add(key: string, news: RunNews, urgent: boolean): void {
    this.pending.set(key, news);
    const now = Date.now();
    const due = Math.max(this.lastSent + MIN_GAP_MS, urgent ? now : this.lastSent + PROGRESS_EVERY_MS);
    if (due >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => this.flush(), Math.max(0, due - now));
    this.timer.unref();
  }

  private flush(): void {
    this.dueAt = Infinity;
    this.timer = undefined;
    const news = [...this.pending.values()];
    this.pending.clear();
    this.lastSent = Date.now();
    // News is best effort: a run that ended or moved on (continue-as-new) needs none of it.
    if (news.length > 0) this.send(this.run, news).catch(() => undefined);
    if (this.pending.size === 0) setTimeout(() => this.pending.size === 0 && !this.timer && this.onIdle(), PROGRESS_EVERY_MS).unref();
  }
}

/** What the HTTP retry listener needs to reach the activity that made the request. */
interface ActivityNews {
  reporter: RunNewsReporter;
  run: RunKey;
  chunk?: number;
}

const current = new AsyncLocalStorage<ActivityNews>();

// One listener for the process: it finds the activity (and its reporter) the request runs under.
onRetryEvent((e) => {
  const a = current.getStore();
  if (a) a.reporter.httpRetry(a, e);
});

export class RunNewsReporter {
  private readonly outboxes = new Map<string, RunOutbox>();

  constructor(private readonly client: () => Promise<Client>) {}

  /**
   * Wraps an activity: its HTTP retries and its retryable failures become trouble news, and, with
   * `chunkOf`, its heartbeats become chunk rows. Wrap outside `guarded`, so failures are already
   * scrubbed of secrets.
   */
  wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>, chunkOf?: (...args: A) => number): (...args: A) => Promise<R> {
    return async (...args: A) => {
      const ctx = Context.current();
      const exec = ctx.info.workflowExecution;
      if (!exec) return fn(...args);
      const activity: ActivityNews = { reporter: this, run: exec, chunk: chunkOf?.(...args) };
      if (activity.chunk !== undefined) this.tapHeartbeats(ctx, activity, activity.chunk);
      try {
        return await current.run(activity, () => fn(...args));
      } catch (err) {
        this.failedAttempt(ctx, activity, err);
        throw err;
      }
    };
  }

  httpRetry(a: ActivityNews, e: RetryEvent): void {
    const about = `Hydrolix ${e.what}`;
    if (e.recovered) {
      this.outbox(a.run).add(`trouble:${about}`, { kind: 'recovered', about }, true);
      return;
    }
    const why = e.status !== undefined ? `answering ${e.status}` : `unreachable (${e.code})`;
    const now = Date.now();
    this.outbox(a.run).add(
      `trouble:${about}`,
      { kind: 'trouble', about, message: `${about} ${why}`, retryAt: now + (e.delayMs ?? 0), at: now, ...(a.chunk !== undefined ? { chunk: a.chunk } : {}) },
      true,
    );
  }

  /** Copies each heartbeat's rows into news (the activity's own heartbeat goes on unchanged). */
  private tapHeartbeats(ctx: Context, a: ActivityNews, chunk: number): void {
    const beat = ctx.heartbeat;
    (ctx as { heartbeat: Context['heartbeat'] }).heartbeat = (details?: unknown) => {
      beat(details);
      const d = details as ChunkHeartbeat | undefined;
      if (d && typeof d.rows === 'number') this.outbox(a.run).add(`chunk:${chunk}`, { kind: 'chunk', chunk, rows: d.rows, skipped: d.skipped ?? 0 }, false);
    };
  }

  /** An attempt that Temporal will retry: the run says so until the activity succeeds. */
  private failedAttempt(ctx: Context, a: ActivityNews, err: unknown): void {
    if (err instanceof CancelledFailure || ctx.cancellationSignal.aborted) return;
    if (err instanceof ApplicationFailure && err.nonRetryable) return;
    const policy = ctx.info.retryPolicy;
    const attempt = ctx.info.attempt;
    if (policy?.maximumAttempts && attempt >= policy.maximumAttempts) return;
    const initial = msOptionalToNumber(policy?.initialInterval) ?? 1_000;
    const max = msOptionalToNumber(policy?.maximumInterval) ?? initial * 100;
    const delay = Math.min(max, initial * (policy?.backoffCoefficient ?? 2) ** (attempt - 1));
    const about = a.chunk !== undefined ? `chunk ${a.chunk + 1}` : ctx.info.activityType;
    const why = String((err as Error)?.message ?? err);
    const message = `${ctx.info.activityType} attempt ${attempt} failed: ${why.length > 300 ? `${why.slice(0, 300)}…` : why}`;
    const now = Date.now();
    this.outbox(a.run).add(`trouble:${about}`, { kind: 'trouble', about, message, retryAt: now + delay, at: now, ...(a.chunk !== undefined ? { chunk: a.chunk } : {}) }, true);
  }

  private outbox(run: RunKey): RunOutbox {
    const key = `${run.workflowId}/${run.runId}`;
    let box = this.outboxes.get(key);
    if (!box) {
      box = new RunOutbox(run, (r, news) => this.send(r, news), () => this.outboxes.delete(key));
      this.outboxes.set(key, box);
    }
    return box;
  }

  private async send(run: RunKey, news: RunNews[]): Promise<void> {
    const client = await this.client();
    await client.workflow.getHandle(run.workflowId, run.runId).signal(newsSignal, news);
  }
}
