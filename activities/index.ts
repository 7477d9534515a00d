/**
 * Activity factory: receives its dependencies (env, connector cache) and returns the
 * activities the worker registers. Every activity passes errors through `guarded`,
 * which classifies them (permanent vs retryable) and strips secrets.
 */
import type { Env } from '../connectors/env';
import { ConnectorCache } from './connector-cache';
import { copyChunkActivity } from './copy-chunk';
import { guarded } from './failures';
import { createRedactor, secretsFromEnv } from './redact';
import { setupActivities } from './setup';

export interface ActivityDeps {
  env: Env;
  connectors?: ConnectorCache;
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
    verifyCounts: guarded(redact, setup.verifyCounts),
    copyChunk: guarded(redact, copyChunkActivity(connectors)),
  };
}

export { ConnectorCache };
