/**
 * Activity factory: receives its dependencies (env, connector cache, Temporal client) and returns
 * the activities the worker registers. Every activity passes errors through `guarded`, which
 * classifies them (permanent vs retryable) and strips secrets, and tells its run about trouble it
 * is retrying through (`RunNewsReporter`; chunk copies also their rows in flight).
 */
import type { Client } from '@temporalio/client';
import type { Env } from '../connectors/env';
import type { CopyChunkInput } from '../workflows/types';
import { schemaActivities } from './catalog';
import { advanceScheduleMarkActivity } from './schedule-mark';
import { ConnectorCache } from './connector-cache';
import { copyChunkActivity } from './copy-chunk';
import { guarded } from './failures';
import { createRedactor, secretsFromEnv } from './redact';
import { RunNewsReporter } from './run-news';
import { setupActivities } from './setup';

export interface ActivityDeps {
  env: Env;
  connectors?: ConnectorCache;
  /** Temporal client (schedule updates, news to runs); created lazily by the worker. */
  temporalClient?: () => Promise<Client>;
}

export function createActivities(deps: ActivityDeps) {
  const connectors = deps.connectors ?? new ConnectorCache(deps.env);
  const redact = createRedactor(secretsFromEnv(deps.env));
  const setup = setupActivities(connectors);
  const client = deps.temporalClient ?? (() => Promise.reject(new Error('this worker has no Temporal client for schedule updates')));
  const news = new RunNewsReporter(client);
  const activity = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => news.wrap(guarded(redact, fn));
  return {
    checkConnections: activity(setup.checkConnections),
    readSourceSchema: activity(setup.readSourceSchema),
    planChunks: activity(setup.planChunks),
    createDestinationTable: activity(setup.createDestinationTable),
    finishAndTallyDestination: activity(setup.finishAndTallyDestination),
    tallySource: activity(setup.tallySource),
    verifyCounts: activity(setup.verifyCounts),
    incrementalWindow: activity(setup.incrementalWindow),
    advanceScheduleMark: activity(advanceScheduleMarkActivity(client)),
    copyChunk: news.wrap(guarded(redact, copyChunkActivity(connectors)), (input: CopyChunkInput) => input.chunkIndex),
    // The catalog and plan workflows' activities (GET /api/sources/..., POST /api/migrations/plan), already guarded.
    ...schemaActivities(deps.env, connectors, redact),
  };
}

export { ConnectorCache };
