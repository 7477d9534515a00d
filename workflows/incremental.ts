/**
 * Incremental runs without loss or repetition (plain types and pure helpers: the workflow sandbox
 * imports them).
 *
 * A run's window is `mark - lookback <= cursor <= upTo` (upTo: the greatest cursor at run start;
 * it becomes the next mark). Reading the mark's own value again catches rows committed later with
 * that value (second-resolution cursors: the normal case); the lookback catches rows committed
 * late with an older cursor. Rows an earlier run already read are recognised by a fingerprint of
 * every value (key, cursor and the rest: a key alone is not enough, a row can change twice within
 * one cursor value) and skipped, so nothing is delivered twice.
 */
import type { KeyValue } from '../connectors/types';

/**
 * Fingerprints kept with a mark: rows read whose cursor lies in [next mark - lookback, next mark].
 * 9 bytes each (72 bits: a false match among 20 000 against 20 000 rows is ~1e-13 per run),
 * 12 base64 characters with no padding, so sets concatenate as strings: ~240 KB at the cap, well
 * inside Temporal's 2 MB payload limit (the set travels in the schedule's action input, in
 * continue-as-new state and in each chunk's input).
 */
export const FINGERPRINT_CHARS = 12;
export const FINGERPRINT_BYTES = 9;
export const MAX_FINGERPRINTS = 20_000;

export function fingerprintCount(seen: string | undefined | null): number {
  return seen ? Math.floor(seen.length / FINGERPRINT_CHARS) : 0;
}

/** `lookback` as the API takes it: a duration ("10m", "1h30m", "0s") for date/time cursors, a number for integer ones. */
export type Lookback = string | number;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds of a duration such as "90s", "10m", "1h30m", "1d"; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  return [86_400, 3_600, 60, 1].reduce((sum, unit, i) => sum + (m[i + 1] ? Number(m[i + 1]) * unit : 0), 0);
}

/** What an incremental run needs beyond its cursor window, handed to each chunk. */
export interface ChunkBoundary {
  column: string;
  /** The previous run's mark: only rows at or below it can have been delivered before. Null on a first run. */
  mark: KeyValue | null;
  /** Fingerprints of rows earlier runs read at or below `mark` (concatenated base64); rows matching one are skipped. */
  seen: string;
  /** Rows whose cursor is >= this (and <= the window's upTo) are fingerprinted for the next run. */
  keepFrom: KeyValue | null;
  upTo: KeyValue | null;
}

/** What the window step decides for an incremental run (the workflow keeps it in its state). */
export interface IncrementalBounds {
  mark: KeyValue | null;
  keepFrom: KeyValue | null;
  /** Rows the source held in [keepFrom, upTo] when the run started (past MAX_FINGERPRINTS the run refuses a lookback). */
  keepRows: number;
}
