/**
 * One migration's status view from what Temporal stores about its latest run: the progress the
 * run published in its memo, its chunks' heartbeats, its result or failure once closed. Pure:
 * the service (migrations-service.ts) gathers the inputs.
 */
import type { Progress } from '../workflows/types';
import type { PublishedProgress } from '../workflows/published';
import type { MigrationStatus, MigrationView } from './schemas';

export interface MigrationMemo {
  name: string;
  source_type: string;
  destination_type: string;
  created_at: string;
  /** Set on runs started by a schedule (api/schedules-service.ts); those have no created_at. */
  schedule_id?: string;
  /** Published by the run as it goes (workflows/publish.ts); absent only on workflows Epic Shelter did not start. */
  progress?: PublishedProgress;
}

/** Rows of the chunks in flight, from their last heartbeats. */
export interface InFlight {
  rows: number;
  skipped: number;
  /** Rows of each chunk in flight by chunk index (from its activity id; 0 before its first heartbeat). */
  byChunk?: Map<number, number>;
}

/** One cell of a migration's chunk grid (GET /api/migrations/{id}). */
export interface ChunkCell {
  index: number;
  status: 'pending' | 'copying' | 'done';
  rows: number;
}

export interface StatusInputs {
  id: string;
  /** Temporal's ExecutionStatus name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  temporalStatus: string;
  memo: Partial<MigrationMemo>;
  startTime: Date;
  closeTime?: Date;
  inFlight?: InFlight;
  /** A completed run's result. */
  result?: Progress;
  /** A failed run's innermost failure message, from its close event. */
  failure?: string;
  /** Runs of this migration (continue-as-new, retries, resets), counted in Temporal's visibility. */
  runs?: number;
  now: number;
}

/** The inputs brought to one shape: rows, rates and what is left. */
interface Snapshot extends Progress {
  rowsSkipped: number;
  /** Copy time so far (ms), when known: rows/s and the ETA come from it. */
  copyMs: number | null;
}

export function migrationView(i: StatusInputs): MigrationView {
  const running = i.temporalStatus === 'RUNNING';
  const snap = snapshot(i, running);
  const status = statusOf(i.temporalStatus, snap?.phase);
  const rowsTotal = snap?.rowsTotal ?? null;
  const rowsCopied = snap?.rowsCopied ?? 0;
  const rowsSkipped = snap?.rowsSkipped ?? 0;
  const rowsRead = rowsCopied + rowsSkipped;
  let pct = 0;
  if (status === 'completed') pct = 100;
  else if (rowsTotal && rowsTotal > 0) pct = Math.min(99, Math.floor((rowsRead * 100) / rowsTotal));
  let error = i.failure ?? snap?.error ?? null;
  if (!error && i.temporalStatus === 'TERMINATED') error = 'terminated';
  if (!error && i.temporalStatus === 'TIMED_OUT') error = 'timed out';
  // A closed run's phase is how it ended, whatever step it had published last (terminated, timed out).
  const phase = running ? (snap?.phase ?? 'pending') : status;
  const v = snap?.verification;
  return {
    id: i.id,
    name: i.memo.name ?? i.id,
    status,
    progress: pct,
    rows_copied: rowsCopied,
    rows_total: rowsTotal,
    created_at: i.memo.created_at ?? i.startTime.toISOString(),
    updated_at: (i.closeTime ?? new Date(i.now)).toISOString(),
    error,
    source_type: i.memo.source_type ?? 'unknown',
    destination_type: i.memo.destination_type ?? 'unknown',
    phase,
    chunks_done: snap?.chunksDone ?? 0,
    chunks_total: snap?.chunksTotal ?? null,
    rows_per_second: snap?.rowsPerSecond ?? null,
    eta_seconds: status === 'completed' ? 0 : running && snap ? etaSeconds(snap) : null,
    target: snap?.target ?? null,
    warnings: snap?.warnings ?? [],
    high_water_mark: snap?.highWaterMark ?? null,
    boundary_fingerprints: snap?.boundaryFingerprints ?? null,
    lookback: snap?.lookback ?? null,
    rows_skipped: rowsSkipped,
    runs: Math.max(snap?.runs ?? 1, i.runs ?? 0),
    schedule_id: i.memo.schedule_id ?? null,
    verification: v
      ? {
          source_rows: v.sourceRows,
          destination_rows: v.destinationRows,
          source_key_sum: v.sourceKeySum ?? null,
          destination_key_sum: v.destinationKeySum ?? null,
          ...(v.destinationDistinctKeys !== undefined ? { destination_distinct_keys: v.destinationDistinctKeys, duplicates: v.duplicates ?? 0 } : {}),
          ok: v.ok,
        }
      : null,
  };
}

/**
 * Each chunk's state and rows: finished ones from what the run published, chunks in flight from
 * their heartbeats. Null before the plan exists, or for plans of more chunks than the run
 * publishes one by one (CHUNK_GRID_MAX).
 */
export function chunkGrid(i: StatusInputs): ChunkCell[] | null {
  const rows = i.memo.progress?.chunkRows;
  if (!rows) return null;
  const copying = i.temporalStatus === 'RUNNING' ? i.inFlight?.byChunk : undefined;
  return rows.map((done, index): ChunkCell => {
    if (done !== null) return { index, status: 'done', rows: done };
    const inFlight = copying?.get(index);
    return inFlight !== undefined ? { index, status: 'copying', rows: inFlight } : { index, status: 'pending', rows: 0 };
  });
}

function snapshot(i: StatusInputs, running: boolean): Snapshot | undefined {
  const published = i.memo.progress;
  if (i.result) return { ...i.result, rowsSkipped: i.result.rowsSkipped ?? 0, copyMs: null };
  if (published) return fromPublished(published, running ? i.inFlight : undefined, running ? i.now : (i.closeTime?.getTime() ?? i.now));
  return undefined;
}

function fromPublished(p: PublishedProgress, inFlight: InFlight | undefined, now: number): Snapshot {
  const rowsCopied = p.rowsCopied + (inFlight?.rows ?? 0);
  const rowsSkipped = p.rowsSkipped + (inFlight?.skipped ?? 0);
  const copyMs = p.copyMsBefore + (p.copyStartedAt !== null ? Math.max(0, now - p.copyStartedAt) : 0);
  return {
    phase: p.phase,
    rowsCopied,
    rowsSkipped,
    rowsTotal: p.rowsTotal,
    chunksDone: p.chunksDone,
    chunksTotal: p.chunksTotal,
    // From the first heartbeat on, not from the first finished chunk.
    rowsPerSecond: copyMs > 0 ? Math.round((rowsCopied * 1000) / copyMs) : null,
    copyMs,
    target: p.target,
    warnings: p.warnings,
    error: p.error,
    runs: p.runs,
    verification: p.verification,
    highWaterMark: p.highWaterMark,
    boundaryFingerprints: null,
    lookback: p.lookback,
  };
}

/**
 * Seconds until the last row is copied at the rate so far (rows read per second of copy time;
 * incremental runs also read rows they skip). Null outside the copy or before any row moved:
 * the steps after the copy (key build, verification) are not estimated.
 */
function etaSeconds(s: Snapshot): number | null {
  if (s.phase !== 'copying' || s.rowsTotal === null) return null;
  const read = s.rowsCopied + s.rowsSkipped;
  const rate = s.copyMs !== null ? (s.copyMs > 0 ? (read * 1000) / s.copyMs : 0) : (s.rowsPerSecond ?? 0);
  if (rate <= 0) return null;
  return Math.ceil(Math.max(0, s.rowsTotal - read) / rate);
}

export function statusOf(temporalStatus: string, phase: string | undefined): MigrationStatus {
  switch (temporalStatus) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      // Until its first step starts (or while nothing is known of it) a run is pending.
      return phase && phase !== 'pending' ? 'running' : 'pending';
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed'; // FAILED, TERMINATED, TIMED_OUT
  }
}
