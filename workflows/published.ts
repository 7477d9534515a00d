/**
 * What a migration run publishes about itself so the API can answer without asking a worker:
 * its progress in the memo (updated as it goes, returned by Temporal's visibility with every list
 * and describe), and search attributes that list filters run on. Plain types and pure helpers:
 * the workflow sandbox imports them.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { KeyValue } from '../connectors/types';
import type { Lookback } from './incremental';
import type { MigrationState, Phase, Verification } from './types';
import { chunkCount, initialState } from './types';

/** Memo key of the published progress (the memo also holds name, types, created_at, schedule_id). */
export const PROGRESS_MEMO = 'progress';

/** Plans up to this many chunks publish each chunk's rows (the dashboard's chunk grid); bigger ones only counts. */
export const CHUNK_GRID_MAX = 100;

/**
 * Search attributes of migration runs: the one list every setup registers (the dev server at start,
 * `--search-attribute`, scripts/lib/dev-server.ts; a cluster through the operator service,
 * api/search-attributes.ts). A run carries them from its start; the workflow keeps
 * `MigrationStatus` current, so `MigrationStatus='failed' AND SourceType='SINGLESTORE'` finds runs.
 */
export const SEARCH_ATTRIBUTES = {
  /** Full text: `MigrationName = 'sales'` matches every name holding the word "sales". */
  name: defineSearchAttributeKey('MigrationName', SearchAttributeType.TEXT),
  /** `pending` until the run's first step, `running`, then how it ended: `completed`, `failed`, `cancelled`. */
  status: defineSearchAttributeKey('MigrationStatus', SearchAttributeType.KEYWORD),
  sourceType: defineSearchAttributeKey('SourceType', SearchAttributeType.KEYWORD),
  destinationType: defineSearchAttributeKey('DestinationType', SearchAttributeType.KEYWORD),
  /** The source table as the request named it (absent for a query without a table). */
  sourceTable: defineSearchAttributeKey('SourceTable', SearchAttributeType.KEYWORD),
  /** The destination table as the request named it (without project or schema). */
  destinationTable: defineSearchAttributeKey('DestinationTable', SearchAttributeType.KEYWORD),
  /** Runs started by a schedule: its id (also in Temporal's own `TemporalScheduledById`). */
  scheduleId: defineSearchAttributeKey('ScheduleId', SearchAttributeType.KEYWORD),
} as const;

/** What `MigrationStatus` holds: the API's status names. Terminated and timed-out runs keep their last one (see ExecutionStatus). */
export type PublishedStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** The status a phase publishes. */
export function publishedStatus(phase: Phase): PublishedStatus {
  if (phase === 'pending' || phase === 'completed' || phase === 'failed' || phase === 'cancelled') return phase;
  return 'running';
}

/**
 * A run's progress as of its last workflow task. Rows of chunks in flight are not in it: they come
 * from the chunks' heartbeats (pending activities in a describe). A completed run's boundary
 * fingerprints are only in its result (they may be ~240 KB); `hasFingerprints` says they are there.
 */
export interface PublishedProgress {
  phase: Phase;
  rowsCopied: number;
  rowsSkipped: number;
  rowsTotal: number | null;
  chunksDone: number;
  chunksTotal: number | null;
  /** Copy time of earlier runs and, while copying, when this run's copy started (workflow clock, epoch ms). */
  copyMsBefore: number;
  copyStartedAt: number | null;
  target: string | null;
  warnings: string[];
  error: string | null;
  runs: number;
  verification: Verification | null;
  highWaterMark: KeyValue | null;
  lookback: Lookback | null;
  hasFingerprints: boolean;
  /** Rows of each finished chunk by index, null for the others; absent past CHUNK_GRID_MAX chunks. */
  chunkRows?: Array<number | null>;
}

export function publishedProgress(state: MigrationState): PublishedProgress {
  return {
    phase: state.phase,
    rowsCopied: state.rowsCopied,
    rowsSkipped: state.rowsSkipped ?? 0,
    rowsTotal: state.plan ? state.plan.rowsTotal : null,
    chunksDone: Object.keys(state.doneChunks).length,
    chunksTotal: state.plan ? chunkCount(state.plan) : null,
    copyMsBefore: state.copyMsBefore,
    copyStartedAt: state.copyStartedAt ?? null,
    target: state.target ?? null,
    warnings: state.warnings,
    error: state.error ?? null,
    runs: state.runs,
    verification: state.verification ?? null,
    highWaterMark: state.window ? state.window.upTo : null,
    lookback: state.bounds?.lookback ?? null,
    hasFingerprints: Boolean(state.bounds && state.phase === 'completed' && !state.seenOverflow),
    ...(state.plan && chunkCount(state.plan) <= CHUNK_GRID_MAX
      ? { chunkRows: Array.from({ length: chunkCount(state.plan) }, (_, i) => state.doneChunks[i] ?? null) }
      : {}),
  };
}

/** What a run publishes before its first workflow task: nothing done yet (or, for a retry, what it carries). */
export function pendingProgress(carried?: MigrationState): PublishedProgress {
  const state: MigrationState = carried ?? initialState();
  return publishedProgress({ ...state, phase: 'pending', error: undefined, verification: undefined, copyStartedAt: undefined });
}
