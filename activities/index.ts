/**
 * Activity factory: receives its dependencies (env, connector cache) and returns the
 * activities the worker registers. Every activity passes errors through `guarded`,
 * which classifies them (permanent vs retryable) and strips secrets.
 */
import type { Client } from '@temporalio/client';
import type { Env } from '../connectors/env';
import { advanceScheduleMarkActivity } from './schedule-mark';
import { ConnectorCache } from './connector-cache';
import { copyChunkActivity } from './copy-chunk';
import { guarded } from './failures';
import { createRedactor, secretsFromEnv } from './redact';
import { setupActivities } from './setup';

export interface ActivityDeps {
  env: Env;
  connectors?: ConnectorCache;
  /** Temporal client (schedule updates); created lazily by the worker. */
  temporalClient?: () => Promise<Client>;
}

export function createActivities(deps: ActivityDeps) {
  const connectors = deps.connectors ?? new ConnectorCache(deps.env);
  const redact = createRedactor(secretsFromEnv(deps.env));
  const setup = setupActivities(connectors);
  return {
    checkConnections: guarded(redact, setup.checkConnections),
    readSourceSchema: guarded(redact, setup.readSourceSchema),
    planChunks: guarded(redact, setup.planChunks),
    createDestinationTable: guarded(redact, setup.createDestinationTable),
    finishDestinationTable: guarded(redact, setup.finishDestinationTable),
    finishAndTallyDestination: guarded(redact, setup.finishAndTallyDestination),
    tallySource: guarded(redact, setup.tallySource),
    verifyCounts: guarded(redact, setup.verifyCounts),
    incrementalWindow: guarded(redact, setup.incrementalWindow),
    advanceScheduleMark: guarded(
      redact,
      advanceScheduleMarkActivity(
        deps.temporalClient ??
          (() => Promise.reject(new Error('this worker has no Temporal client for schedule updates'))),
      ),
    ),
    copyChunk: guarded(redact, copyChunkActivity(connectors)),
  };
}

export { ConnectorCache };
