/**
 * Workflow inputs, state and activity I/O. Plain types only (the workflow sandbox imports them).
 * Nothing here carries credentials: connections are named, secrets live in the worker's env.
 */
import type { ChunkBoundary, IncrementalBounds, Lookback } from './incremental';
import type { CursorWindow, DestinationSpec, KeyRange, KeyTuple, KeyValue, SourceSpec, Tally, TableSchema } from '../connectors/types';

export const TASK_QUEUE_DEFAULT = 'epic-shelter';
export const MIGRATION_WORKFLOW = 'migrationWorkflow';

export interface Endpoint<S> {
  type: string;
  spec: S;
}

export interface MigrationOptions {
  /**
   * Target rows per chunk (one heartbeated activity). Unset: chosen at planning time, about three
   * chunks per lane (see setup.ts autoChunkRows).
   */
  chunkRows?: number;
  /** Rows per source page / destination write inside a chunk. Unset: chosen per copy path (copy-chunk.ts). */
  batchRows?: number;
  /** Chunks copied concurrently. */
  parallelism: number;
  /** Chunks finished per workflow run before continue-as-new (keeps history small). */
  chunksPerRun: number;
  /** `full` copies the whole row set; `incremental` only rows past the last high-water mark. */
  mode: 'full' | 'incremental';
  cursorColumn?: string;
  /**
   * The last run's high-water mark (null: from the beginning). The window reads from
   * `highWaterMark - lookback` inclusive (workflows/incremental.ts).
   */
  highWaterMark?: KeyValue | null;
  /** How far before the mark the next window starts: a duration for date/time cursors, a number for integer ones. */
  lookback?: Lookback;
  /** Fingerprints of the rows the last run read in [mark - lookback, mark]: skipped when read again unchanged. */
  boundaryFingerprints?: string;
}

export interface MigrationInput {
  migrationId: string;
  name: string;
  createdAt: string;
  source: Endpoint<SourceSpec>;
  destination: Endpoint<DestinationSpec>;
  options: MigrationOptions;
  /** Present when this run continues an earlier one (continue-as-new). */
  carried?: MigrationState;
}

export type Phase =
  | 'pending'
  | 'connecting'
  | 'reading_schema'
  | 'planning'
  | 'creating_table'
  | 'copying'
  /** Building what the destination deferred for the load (PostgreSQL: the primary key). */
  | 'finishing'
  | 'verifying'
  | 'completed'
  | 'failed'
  | 'cancelled';

export interface ChunkPlan {
  /** Chunk i covers (boundaries[i-1], boundaries[i]]; the first starts unbounded, the last ends unbounded. */
  boundaries: KeyTuple[];
  rowsTotal: number;
  /**
   * The source's tally when planning (one scan gives the count and the key sum): verification
   * compares the destination with it, and counts the source again only when they differ. Absent
   * when planning walked the key without a full scan: tallySource then takes it during the copy.
   */
  tally?: Tally;
}

export interface MigrationState {
  phase: Phase;
  schema?: TableSchema;
  target?: string;
  sourceServer?: string;
  destinationServer?: string;
  warnings: string[];
  plan?: ChunkPlan;
  /** Rows copied by each finished chunk, by chunk index. A finished chunk is never copied again. */
  doneChunks: Record<number, number>;
  /** Chunks started but not finished: a later run must ask the destination what of them landed. */
  inFlight: number[];
  /** The destination table existed before this migration created it: any chunk may already be there. */
  destinationPreexisted: boolean;
  verification?: Verification;
  /** Incremental runs: the cursor window this run copies; `upTo` becomes the next high-water mark. */
  window?: CursorWindow;
  /** Incremental runs: what to skip and what to fingerprint. */
  bounds?: IncrementalBounds & { lookback: Lookback | null };
  /** Rows read in the window and not written (delivered unchanged by an earlier run). */
  rowsSkipped?: number;
  /** Fingerprints gathered so far for the next run (concatenated; dropped past MAX_FINGERPRINTS). */
  seen?: string;
  /** More rows than MAX_FINGERPRINTS lay in [keepFrom, upTo]: the next run gets no fingerprints. */
  seenOverflow?: boolean;
  rowsCopied: number;
  /** Milliseconds spent copying in earlier runs (for rows/s across continue-as-new). */
  copyMsBefore: number;
  copyStartedAt?: number;
  runs: number;
  error?: string;
}

/** A run's state before its first step (a continued or retried run carries its own instead). */
export function initialState(): MigrationState {
  return {
    phase: 'pending',
    warnings: [],
    doneChunks: {},
    inFlight: [],
    destinationPreexisted: false,
    rowsCopied: 0,
    copyMsBefore: 0,
    runs: 1,
  };
}

export interface Verification {
  sourceRows: number;
  destinationRows: number;
  /** Exact sum of a single integer key at both ends, when both can compute it (an order-independent checksum). */
  sourceKeySum?: string | null;
  destinationKeySum?: string | null;
  /**
   * Append-only destinations (Hydrolix): distinct keys held, and rows beyond them (copies of a row
   * a lost answer or a crash sent twice). Duplicates are reported, not failed on: `ok` asks that
   * every source key be there (and, with key sums, no key differ).
   */
  destinationDistinctKeys?: number;
  duplicates?: number;
  ok: boolean;
}

/**
 * Verification from both ends' tallies. A whole-table run needs equal counts and, where both ends
 * compute it exactly, equal key sums: an order-independent checksum that catches a missing row
 * offset by a duplicate, which equal counts would hide. An incremental run writes into a table
 * holding earlier runs (and, on append-only stores, every version), so it checks its own window:
 * rows there = rows it copied (`windowCopied`).
 */
export function compareTallies(source: Tally, destination: Tally, windowCopied?: number): Verification {
  if (windowCopied !== undefined) return { sourceRows: source.rows, destinationRows: destination.rows, ok: source.rows === windowCopied };
  const sumsAgree = source.keySum === null || destination.keySum === null || source.keySum === destination.keySum;
  const both = { sourceRows: source.rows, destinationRows: destination.rows, sourceKeySum: source.keySum, destinationKeySum: destination.keySum };
  if (destination.distinctKeys === undefined) return { ...both, ok: source.rows === destination.rows && sumsAgree };
  // The destination's key sum is over distinct keys: a copy of a row does not move it, a missing or changed key does.
  return {
    ...both,
    destinationDistinctKeys: destination.distinctKeys,
    duplicates: destination.rows - destination.distinctKeys,
    ok: source.rows === destination.distinctKeys && sumsAgree,
  };
}

/** The `warnings` line for a verified run whose destination holds duplicate copies (null when it holds none). */
export function duplicatesWarning(v: Verification, target: string, key: string[]): string | null {
  if (!v.duplicates || v.duplicates <= 0) return null;
  const k = key.join(', ');
  return (
    `${target} holds ${v.duplicates} duplicate row${v.duplicates === 1 ? '' : 's'} (${v.destinationRows} rows, ${v.destinationDistinctKeys} distinct keys; ` +
    `every source row is present): read it deduplicated with SELECT * FROM ${target} ORDER BY ${k} LIMIT 1 BY ${k}`
  );
}

/** Why a verification failed, for the run's error. */
export function verificationFailure(v: Verification, target: string): string {
  const present = v.destinationDistinctKeys ?? v.destinationRows;
  if (present !== v.sourceRows) {
    const distinct = v.destinationDistinctKeys !== undefined ? ` rows, ${v.destinationDistinctKeys} distinct keys` : '';
    return `verification failed: source has ${v.sourceRows} rows, destination ${target} has ${v.destinationRows}${distinct}`;
  }
  const equal = v.destinationDistinctKeys !== undefined ? `as many distinct keys as source rows (${v.sourceRows})` : `equal row counts (${v.sourceRows})`;
  return `verification failed: ${equal} but the key checksums differ (source ${v.sourceKeySum}, destination ${v.destinationKeySum})`;
}

export interface Progress {
  phase: Phase;
  rowsCopied: number;
  rowsTotal: number | null;
  chunksDone: number;
  chunksTotal: number | null;
  rowsPerSecond: number | null;
  target: string | null;
  warnings: string[];
  error: string | null;
  runs: number;
  verification: Verification | null;
  highWaterMark: KeyValue | null;
  /** Fingerprints to pass back with highWaterMark (options.boundary_fingerprints), once the run completed. */
  boundaryFingerprints?: string | null;
  lookback?: Lookback | null;
  rowsSkipped?: number;
}

export function chunkRange(plan: ChunkPlan, index: number): KeyRange {
  return {
    after: index === 0 ? null : plan.boundaries[index - 1],
    upTo: index < plan.boundaries.length ? plan.boundaries[index] : null,
  };
}

export function chunkCount(plan: ChunkPlan): number {
  return plan.boundaries.length + 1;
}

// ---- activity I/O ----

export interface EndpointsInput {
  source: Endpoint<SourceSpec>;
  destination: Endpoint<DestinationSpec>;
}

export interface ConnectionsChecked {
  sourceServer: string;
  destinationServer: string;
}

export interface PlanInput {
  source: Endpoint<SourceSpec>;
  schema: TableSchema;
  chunkRows?: number;
  parallelism: number;
}

export interface WindowInput {
  source: Endpoint<SourceSpec>;
  schema: TableSchema;
  column: string;
  /** The last mark: the window reads it again, from `after - lookback` inclusive (see workflows/incremental.ts). */
  after: KeyValue | null;
  /** Ignored: every window is inclusive (activities/plan.ts still passes it). */
  inclusive?: boolean;
  lookback?: Lookback;
}

/** An inclusive window (`from` set, `after` null) and what its chunks fingerprint. */
export type IncrementalWindow = CursorWindow & Partial<Pick<IncrementalBounds, 'keepFrom' | 'keepRows'>>;

export interface AdvanceMarkInput {
  scheduleId: string;
  highWaterMark: KeyValue;
  /** The run's fingerprints for the next one; absent: the next run skips nothing. */
  boundaryFingerprints?: string;
}

export interface VerifyInput {
  source: Endpoint<SourceSpec>;
  destination: Endpoint<DestinationSpec>;
  schema: TableSchema;
  rowsCopied: number;
  /** Incremental runs verify the window against what this run copied, not whole-table counts. */
  incremental: boolean;
  /** The source's tally when already taken (tallySource, while the destination finished). */
  sourceTally?: Tally;
}

export interface TallySourceInput {
  source: Endpoint<SourceSpec>;
  schema: TableSchema;
}

export interface CreateTableInput {
  destination: Endpoint<DestinationSpec>;
  schema: TableSchema;
  /** The rows' source: when given, a warning says why they take the row path. */
  source?: Endpoint<SourceSpec>;
}

/** Same endpoint and schema createTable saw. */
export type FinishTableInput = CreateTableInput;
export type { FinishedTable } from '../connectors/types';

export interface CopyChunkInput {
  chunkIndex: number;
  range: KeyRange;
  source: Endpoint<SourceSpec>;
  destination: Endpoint<DestinationSpec>;
  schema: TableSchema;
  batchRows?: number;
  /** True when an earlier run may have written part of this chunk (resume after reset/retry). */
  mayHaveLanded: boolean;
  /** Incremental runs with an inclusive window: rows to skip and to fingerprint. */
  boundary?: ChunkBoundary;
}

/** Heartbeat details of a chunk: the last key known to be written, so a retry continues after it. */
export interface ChunkHeartbeat {
  cursor: KeyTuple | null;
  rows: number;
  /** Incremental chunks (BoundaryFilter): rows skipped, written past the previous mark, fingerprints so far. */
  skipped?: number;
  fresh?: number;
  seen?: string;
}

export interface ChunkResult {
  rows: number;
  lastKey: KeyTuple | null;
  /** Rows found already written when the chunk resumed (diagnostics). */
  resumedRows: number;
  /** Incremental chunks: rows read and skipped, and fingerprints for the next run. */
  skipped?: number;
  seen?: string;
}
