/**
 * Everything the API asks of Temporal about migrations: start, describe, list, cancel, retry.
 *
 * Status never waits on a worker: a run publishes its progress in its memo as it goes
 * (workflows/publish.ts), chunks in flight add their heartbeats (a describe, answered by the
 * server), and a closed run's result or failure is its close event, fetched alone. No workflow
 * query is asked on this path: a worker answers those by replaying the run.
 */
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { defaultPayloadConverter, type SearchAttributePair } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { ChunkHeartbeat, MigrationInput, MigrationState, Progress } from '../workflows/types';
import { MIGRATION_WORKFLOW } from '../workflows/types';
import { pendingProgress, SEARCH_ATTRIBUTES } from '../workflows/published';
import { chunkOfActivity, runDetails, runSummary } from '../workflows/metadata';
import { chunkGrid, type InFlight, type MigrationMemo, migrationView, type StatusInputs } from './migration-view';
import { type ListFilter, listQuery, literal, needsSearchAttributes, ownRuns, runsQuery } from './migration-query';
import { LIST_PAGE_SIZE, searchableName, type MigrationView } from './schemas';
import { decodePageToken, encodePageToken } from './page-token';
import { ensureSearchAttributes } from './search-attributes';

export type { MigrationMemo } from './migration-view';

/** Server-side reads (describe, close event, visibility): bounded too, so one slow call cannot hold a page. */
const SERVER_TIMEOUT_MS = 2_000;
/** Runs looked at concurrently while building a page (a page of 50 running runs: one wave of describes). */
const CONCURRENCY = 50;
/** A page whose runs are mostly superseded (retried, reset) is topped up from the next ones this many times at most. */
const MAX_ROUNDS = 4;
/** After a failed registration, the next request tries again this much later. */
const ATTRIBUTES_RETRY_MS = 60_000;

const CLOSE_EVENT = temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
const CONTINUED_AS_NEW = temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;

export class MigrationNotFound extends Error {}
/** The request conflicts with the migration's status (e.g. retrying a running one). */
export class MigrationConflict extends Error {}
/** A retry needs the last run's state from a worker and none answered (the detail is logged, not shown). */
export class MigrationUnavailable extends Error {}
/** A list request Temporal cannot answer as asked (a filter without its search attribute, a foreign page token). */
export class MigrationBadRequest extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export interface ListRequest {
  pageSize?: number;
  pageToken?: string;
  filter?: ListFilter;
}

export interface ListPage {
  migrations: MigrationView[];
  next_page_token: string | null;
}

type RunInfo = Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'startTime' | 'closeTime' | 'memo'> & { status: { name: string } };

export class MigrationsService {
  private attributes?: { checkedAt: number; ok: boolean; available: Promise<boolean> };

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  newId(): string {
    return `mig-${randomUUID()}`;
  }

  /** Whether runs can carry the migration search attributes (registered now if missing; see search-attributes.ts). */
  searchAttributesAvailable(): Promise<boolean> {
    const a = this.attributes;
    // Known to be there: for good. Not there (or unknown): asked again a minute later.
    if (a && (a.ok || Date.now() - a.checkedAt < ATTRIBUTES_RETRY_MS)) return a.available;
    const entry = { checkedAt: Date.now(), ok: false, available: Promise.resolve(false) };
    entry.available = ensureSearchAttributes(this.client.connection, this.client.options.namespace)
      .catch((err) => {
        console.error('cannot check the search attributes:', (err as Error).message);
        return false;
      })
      .then((ok) => (entry.ok = ok));
    this.attributes = entry;
    return entry.available;
  }

  /** The search attributes a run of this migration starts with (none when they are not registered). */
  async searchAttributesFor(input: MigrationInput, scheduleId?: string): Promise<SearchAttributePair[] | undefined> {
    return (await this.searchAttributesAvailable()) ? migrationSearchAttributes(input, scheduleId) : undefined;
  }

  async start(input: MigrationInput): Promise<MigrationView> {
    const memo: MigrationMemo = {
      name: input.name,
      source_type: input.source.type,
      destination_type: input.destination.type,
      created_at: input.createdAt,
      progress: pendingProgress(),
    };
    const typedSearchAttributes = await this.searchAttributesFor(input);
    await this.client.workflow.start(MIGRATION_WORKFLOW, {
      workflowId: input.migrationId,
      taskQueue: this.taskQueue,
      args: [input],
      memo: memo as unknown as Record<string, unknown>,
      ...(typedSearchAttributes ? { typedSearchAttributes } : {}),
      ...runMetadata(input),
    });
    // Just started: nothing to ask the workflow yet, and no reason to wait for a worker.
    return migrationView({ id: input.migrationId, temporalStatus: 'RUNNING', memo, startTime: new Date(), now: Date.now(), runs: 1 });
  }

  async get(id: string): Promise<MigrationView> {
    const handle = this.client.workflow.getHandle(id);
    let desc: WorkflowExecutionDescription;
    try {
      desc = await this.bounded(SERVER_TIMEOUT_MS, () => handle.describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || (err as Error).name === 'WorkflowNotFoundError') throw new MigrationNotFound(id);
      throw err;
    }
    // Only our migrations: the namespace may hold other workflows, whatever their ids look like.
    if (desc.type !== MIGRATION_WORKFLOW || desc.taskQueue !== this.taskQueue) throw new MigrationNotFound(id);
    const [runs, inputs] = await Promise.all([this.countRuns(id), this.statusInputs(desc, desc)]);
    // The chunk grid is for one migration's page, not for lists.
    return { ...migrationView({ ...inputs, runs }), chunks: chunkGrid({ ...inputs, runs }) };
  }

  /**
   * One page of migrations, each once (its latest run), as Temporal's visibility orders them:
   * running runs first, then closed ones, most recently closed first.
   */
  async list(req: ListRequest = {}): Promise<ListPage> {
    const filter = req.filter ?? {};
    const pageSize = Math.min(req.pageSize ?? LIST_PAGE_SIZE.default, LIST_PAGE_SIZE.max);
    const available = await this.searchAttributesAvailable();
    const needs = needsSearchAttributes(filter);
    if (needs.length > 0 && !available) {
      throw new MigrationBadRequest(
        `filtering by ${needs.join(', ')} needs the search attributes ${Object.values(SEARCH_ATTRIBUTES)
          .map((k) => k.name)
          .join(', ')} registered in the Temporal namespace (see README, Status)`,
        needs[0],
      );
    }
    const query = listQuery(this.taskQueue, filter, available);
    let token: Uint8Array = new Uint8Array(0);
    if (req.pageToken) {
      const decoded = decodePageToken(query, req.pageToken);
      if (!decoded) throw new MigrationBadRequest('page_token does not belong to this list (pass next_page_token as returned, with the same filters)', 'page_token');
      token = decoded;
    }
    const views: MigrationView[] = [];
    const seen = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS && views.length < pageSize; round++) {
      const page = await this.visibilityPage(query, pageSize - views.length, token);
      const infos = page.infos.filter((i) => !seen.has(i.workflowId));
      const runs = infos.length > 0 ? await this.runsOf(infos.map((i) => i.workflowId)) : new Map<string, RunsOf>();
      // A run superseded by a later one (a retry, a reset) is not the migration's status.
      const latest = infos.filter((i) => i.status.name === 'RUNNING' || (runs.get(i.workflowId)?.latestRunId ?? i.runId) === i.runId);
      const built = await mapLimit(latest, CONCURRENCY, async (info) => migrationView({ ...(await this.statusInputs(info)), runs: runs.get(info.workflowId)?.count }));
      for (const v of built) {
        if (seen.has(v.id) || (filter.statuses && !filter.statuses.includes(v.status))) continue;
        seen.add(v.id);
        views.push(v);
      }
      token = page.nextPageToken;
      if (token.length === 0) break;
    }
    return { migrations: views, next_page_token: token.length > 0 ? encodePageToken(query, token) : null };
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
    // The new run publishes from its first step on; until then it shows what it carries, not the last run's end.
    const memo: MigrationMemo = { ...(desc.memo as unknown as MigrationMemo), progress: pendingProgress(carried) };
    const typedSearchAttributes = await this.searchAttributesFor(last.input, memo.schedule_id);
    const scheduleName = (desc.memo as { schedule_definition?: { name?: string } } | undefined)?.schedule_definition?.name;
    try {
      await this.client.workflow.start(MIGRATION_WORKFLOW, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [{ ...last.input, carried }],
        memo: memo as unknown as Record<string, unknown>,
        ...(typedSearchAttributes ? { typedSearchAttributes } : {}),
        ...runMetadata(last.input, scheduleName),
      });
    } catch (err) {
      // Two retries at once: the other one started the new run.
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new MigrationConflict('a new run of this migration has already started');
      throw err;
    }
    return { ...view, status: 'pending', error: null, phase: 'pending', eta_seconds: null, runs: Math.max(view.runs + 1, carried.runs) };
  }

  /**
   * What one run's view is built from. `desc`: a describe of it already in hand (a GET), else a
   * running run is described here for its chunks' heartbeats (a list).
   */
  private async statusInputs(info: RunInfo, desc?: WorkflowExecutionDescription): Promise<Omit<StatusInputs, 'runs'>> {
    const base: Omit<StatusInputs, 'runs'> = {
      id: info.workflowId,
      temporalStatus: info.status.name,
      memo: (info.memo ?? {}) as Partial<MigrationMemo>,
      startTime: info.startTime,
      closeTime: info.closeTime,
      now: Date.now(),
    };
    if (info.status.name === 'RUNNING') {
      const described = desc ?? (await this.describeRun(info.workflowId, info.runId));
      if (described) {
        // The describe's memo is the run's own, a moment fresher than visibility's copy.
        base.memo = (described.memo ?? base.memo) as Partial<MigrationMemo>;
        base.inFlight = inFlight(described);
      }
      base.now = Date.now();
      return base;
    }
    const published = base.memo.progress;
    const needsResult = info.status.name === 'COMPLETED' && (!published || published.hasFingerprints);
    const needsFailure = info.status.name === 'FAILED' && !published?.error;
    if (needsResult || needsFailure) Object.assign(base, await this.closeOutcome(info.workflowId, info.runId));
    return base;
  }

  private async describeRun(id: string, runId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await this.bounded(SERVER_TIMEOUT_MS, () => this.client.workflow.getHandle(id, runId).describe());
    } catch {
      return undefined; // the published progress stands without the heartbeats
    }
  }

  /** A closed run's result (completed) or innermost failure message (failed), from its close event alone. */
  private async closeOutcome(id: string, runId: string): Promise<{ result?: Progress; failure?: string }> {
    try {
      const res = await this.bounded(SERVER_TIMEOUT_MS, () =>
        this.client.workflowService.getWorkflowExecutionHistory({
          namespace: this.client.options.namespace,
          execution: { workflowId: id, runId },
          historyEventFilterType: CLOSE_EVENT,
          skipArchival: true,
        }),
      );
      const event = res.history?.events?.[0];
      const payload = event?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
      if (payload) return { result: this.client.options.loadedDataConverter.payloadConverter.fromPayload<Progress>(payload) };
      let failure = event?.workflowExecutionFailedEventAttributes?.failure;
      let message = failure?.message ?? undefined;
      while (failure?.cause) {
        failure = failure.cause;
        if (failure.message) message = failure.message;
      }
      return message ? { failure: message } : {};
    } catch {
      return {};
    }
  }

  /** Runs of one migration so far (continue-as-new, retries, resets); undefined when visibility does not answer. */
  private async countRuns(id: string): Promise<number | undefined> {
    try {
      const { count } = await this.bounded(SERVER_TIMEOUT_MS, () => this.client.workflow.count(`${ownRuns(this.taskQueue)} AND WorkflowId = ${literal(id)}`));
      return count;
    } catch {
      return undefined;
    }
  }

  /** For each migration id: its latest run (not a continue-as-new hand-over) and how many runs it has had. */
  private async runsOf(ids: string[]): Promise<Map<string, RunsOf>> {
    const found = new Map<string, RunsOf & { latestStart: number }>();
    const query = runsQuery(this.taskQueue, ids);
    let token: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 20; i++) {
      const res = await this.bounded(SERVER_TIMEOUT_MS, () =>
        this.client.workflowService.listWorkflowExecutions({ namespace: this.client.options.namespace, query, pageSize: 1000, nextPageToken: token }),
      );
      for (const raw of res.executions ?? []) {
        const id = raw.execution?.workflowId;
        const runId = raw.execution?.runId;
        if (!id || !runId) continue;
        const entry = found.get(id) ?? { latestRunId: '', latestStart: -1, count: 0 };
        entry.count++;
        const start = optionalTsToMs(raw.startTime) ?? 0;
        if (raw.status !== CONTINUED_AS_NEW && start > entry.latestStart) {
          entry.latestRunId = runId;
          entry.latestStart = start;
        }
        found.set(id, entry);
      }
      token = res.nextPageToken ?? new Uint8Array(0);
      if (token.length === 0) break;
    }
    return found;
  }

  private async visibilityPage(query: string, pageSize: number, token: Uint8Array): Promise<{ infos: RunInfo[]; nextPageToken: Uint8Array }> {
    const res = await this.bounded(SERVER_TIMEOUT_MS, () =>
      this.client.workflowService.listWorkflowExecutions({ namespace: this.client.options.namespace, query, pageSize, nextPageToken: token }),
    );
    const converter = this.client.options.loadedDataConverter;
    const infos = await Promise.all((res.executions ?? []).map((raw) => executionInfoFromRaw(raw, converter, raw, this.client.options.namespace)));
    return { infos, nextPageToken: res.nextPageToken ?? new Uint8Array(0) };
  }

  /** A call to the server under a gRPC deadline: the call itself ends, rather than going on after it was given up on. */
  private bounded<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + ms, fn);
  }
}

/** What a run starts with: its filters' values, and `pending` until its first step. */
export function migrationSearchAttributes(input: MigrationInput, scheduleId?: string): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SEARCH_ATTRIBUTES.name, value: searchableName(input.name) },
    { key: SEARCH_ATTRIBUTES.status, value: 'pending' },
    { key: SEARCH_ATTRIBUTES.sourceType, value: input.source.type },
    { key: SEARCH_ATTRIBUTES.destinationType, value: input.destination.type },
    { key: SEARCH_ATTRIBUTES.destinationTable, value: input.destination.spec.table },
  ];
  if (input.source.spec.table) pairs.push({ key: SEARCH_ATTRIBUTES.sourceTable, value: input.source.spec.table });
  if (scheduleId) pairs.push({ key: SEARCH_ATTRIBUTES.scheduleId, value: scheduleId });
  return pairs;
}

/** The run's user metadata in the Web UI: summary (name, source → destination) and details (query, options, target). */
export function runMetadata(input: MigrationInput, scheduleName?: string): { staticSummary: string; staticDetails: string } {
  return { staticSummary: runSummary(input, scheduleName), staticDetails: runDetails(input) };
}

interface RunsOf {
  latestRunId: string;
  count: number;
}

function inFlight(desc: WorkflowExecutionDescription): InFlight {
  const sum: InFlight = { rows: 0, skipped: 0, byChunk: new Map() };
  for (const activity of desc.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'copyChunk') continue;
    const chunk = chunkOfActivity(activity.activityId);
    if (chunk !== undefined) sum.byChunk!.set(chunk, 0);
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    try {
      const beat = defaultPayloadConverter.fromPayload<ChunkHeartbeat>(payload);
      sum.rows += beat?.rows ?? 0;
      sum.skipped += beat?.skipped ?? 0;
      if (chunk !== undefined) sum.byChunk!.set(chunk, beat?.rows ?? 0);
    } catch {
      /* an undecodable heartbeat only costs precision */
    }
  }
  return sum;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
