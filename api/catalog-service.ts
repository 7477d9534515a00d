/**
 * The API's side of the catalog and the dry-run plan: each question is a short workflow on the
 * migration task queue (workflows/catalog.ts), answered by a worker, which alone holds the
 * connection settings. A worker that does not answer in time is a 503; a failure it reports comes
 * back as a class and an object (activities/catalog.ts), mapped here to an HTTP status.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { CatalogFailure, ConnectorStatus, ColumnsRequest, TablesRequest, Answer, DescribedTable } from '../activities/catalog';
import type { MigrationPlan } from '../activities/plan';
import type { CatalogTable } from '../connectors/types';
import { CATALOG_WORKFLOW, PLAN_WORKFLOW, type CatalogRequest } from '../workflows/catalog';
import type { MigrationInput } from '../workflows/types';

/** No worker took the question (none running, or all busy) within the time allowed. */
export class NoWorkerAnswered extends Error {
  constructor() {
    super('no worker answered; check that a worker is running on the task queue and try again');
  }
}

/** A failure the worker reported, with the HTTP status it maps to. */
export class CatalogFailed extends Error {
  constructor(readonly failure: CatalogFailure) {
    super(failure.message);
  }

  get status(): 404 | 422 | 502 {
    switch (this.failure.class) {
      case 'column_mapping':
      case 'invalid':
      case 'not_configured':
        return 422;
      case 'not_found':
        return 404;
      default:
        return 502;
    }
  }
}

export interface SchemaServiceOptions {
  /** How long a catalog question may take, worker pick-up included. */
  catalogTimeoutMs?: number;
  /** How long `GET /api/connectors` waits for a worker before answering without one. */
  connectorsTimeoutMs?: number;
  planTimeoutMs?: number;
}

export class SchemaService {
  private readonly catalogTimeoutMs: number;
  private readonly connectorsTimeoutMs: number;
  private readonly planTimeoutMs: number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    opts: SchemaServiceOptions = {},
  ) {
    this.catalogTimeoutMs = opts.catalogTimeoutMs ?? 30_000;
    this.connectorsTimeoutMs = opts.connectorsTimeoutMs ?? 5_000;
    this.planTimeoutMs = opts.planTimeoutMs ?? 120_000;
  }

  /** Which connectors the worker has settings for; null when no worker answered in time. */
  async workerConnectors(): Promise<ConnectorStatus[] | null> {
    try {
      return (await this.ask(CATALOG_WORKFLOW, { kind: 'connectors' } satisfies CatalogRequest, this.connectorsTimeoutMs)) as ConnectorStatus[];
    } catch (e) {
      if (e instanceof NoWorkerAnswered) return null;
      throw e;
    }
  }

  async tables(req: TablesRequest): Promise<{ tables: CatalogTable[]; truncated: boolean }> {
    return unwrap(await this.ask(CATALOG_WORKFLOW, { kind: 'tables', ...req } satisfies CatalogRequest, this.catalogTimeoutMs)) as { tables: CatalogTable[]; truncated: boolean };
  }

  async columns(req: ColumnsRequest): Promise<DescribedTable> {
    return (unwrap(await this.ask(CATALOG_WORKFLOW, { kind: 'columns', ...req } satisfies CatalogRequest, this.catalogTimeoutMs)) as { table: DescribedTable }).table;
  }

  async plan(input: MigrationInput): Promise<MigrationPlan> {
    return (unwrap(await this.ask(PLAN_WORKFLOW, input, this.planTimeoutMs)) as { plan: MigrationPlan }).plan;
  }

  /**
   * Runs one short workflow and waits for its answer. The execution timeout bounds the wait when
   * no worker polls the queue; such a run times out in Temporal, nothing else is left behind.
   */
  private async ask(workflow: string, arg: unknown, timeoutMs: number): Promise<unknown> {
    const handle = await this.client.workflow.start(workflow, {
      taskQueue: this.taskQueue,
      workflowId: `${workflow === PLAN_WORKFLOW ? 'plan' : 'catalog'}-${randomUUID()}`,
      args: [arg],
      workflowExecutionTimeout: `${Math.ceil(timeoutMs / 1000)}s`,
    });
    try {
      return await handle.result();
    } catch (e) {
      if (isTimeout(e)) throw new NoWorkerAnswered();
      throw e;
    }
  }
}

/**
 * The failure a worker reported, or its silence, as the `{error, fields?}` body and status the
 * routes document; null for anything else (left to the app's error handler: 500 with a request id).
 */
export function failureResponse(err: unknown): { body: { error: string; fields?: Array<{ path: string; message: string }> }; status: 404 | 422 | 502 | 503 } | null {
  if (err instanceof CatalogFailed) {
    const { field } = err.failure;
    return { body: { error: err.message, ...(field ? { fields: [{ path: field, message: err.message }] } : {}) }, status: err.status };
  }
  if (err instanceof NoWorkerAnswered) return { body: { error: err.message }, status: 503 };
  return null;
}

function unwrap(answer: unknown): unknown {
  const a = answer as Answer<Record<string, unknown>>;
  if (!a.ok) throw new CatalogFailed(a.failure);
  return a;
}

/** A workflow that timed out (no worker took it) rather than one that failed. */
function isTimeout(e: unknown): boolean {
  let err = e as { name?: string; cause?: unknown; timeoutType?: unknown } | undefined;
  for (let i = 0; err && i < 5; i++) {
    if (err.name === 'TimeoutFailure' || err.timeoutType !== undefined) return true;
    err = err.cause as typeof err;
  }
  return /timed out|timeout/i.test(String((e as Error)?.message ?? ''));
}
