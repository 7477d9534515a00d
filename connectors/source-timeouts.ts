import type { Env } from './env';
import { PermanentError } from './types';

/**
 * Server-side limits on every source statement. Page reads, counts and planning get the long one;
 * connection checks and schema probes (which read no rows) the short one.
 */
export interface SourceTimeouts {
  statementMs: number;
  probeMs: number;
}

export const DEFAULT_SOURCE_TIMEOUTS: SourceTimeouts = { statementMs: 600_000, probeMs: 60_000 };

/** Seconds (fractions allowed), e.g. `SOURCE_STATEMENT_TIMEOUT=600`; unset = the default. */
function seconds(env: Env, name: string, fallbackMs: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallbackMs;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > 86_400) throw new PermanentError(`${name} must be a number of seconds in (0, 86400]`);
  return Math.max(1, Math.round(s * 1000));
}

export function readSourceTimeouts(env: Env): SourceTimeouts {
  return {
    statementMs: seconds(env, 'SOURCE_STATEMENT_TIMEOUT', DEFAULT_SOURCE_TIMEOUTS.statementMs),
    probeMs: seconds(env, 'SOURCE_PROBE_TIMEOUT', DEFAULT_SOURCE_TIMEOUTS.probeMs),
  };
}
