/**
 * News a run cannot see by itself, sent to it by its activities (activities/run-news.ts): rows of
 * chunks in flight (their heartbeats, which a workflow never sees) and trouble an activity is
 * retrying through (Hydrolix answering 503 inside the HTTP retry loop, a failed attempt Temporal
 * will retry). The workflow keeps the latest of each and shows them in its current details, the
 * Web UI's "Current Details". Plain types and pure helpers: the workflow sandbox imports them.
 */
import { defineSignal } from '@temporalio/workflow';
import { durationText, grouped } from './metadata';
import type { MigrationState, Phase } from './types';
import { chunkCount } from './types';

/** Rows a chunk in flight has written so far (its last heartbeat). */
export interface ChunkNews {
  kind: 'chunk';
  chunk: number;
  rows: number;
  skipped?: number;
}

/** Something the run depends on is failing and being retried. `about` names it ("Hydrolix ingest"). */
export interface TroubleNews {
  kind: 'trouble';
  about: string;
  /** One line, no secrets: "Hydrolix ingest answering 503 (server error)". */
  message: string;
  /** When the next attempt starts, epoch ms (the sender's clock). */
  retryAt: number;
  /** Set when the trouble belongs to one chunk: it is over when that chunk finishes. */
  chunk?: number;
  at: number;
}

/** The trouble named `about` is over (a request went through after retries). */
export interface RecoveredNews {
  kind: 'recovered';
  about: string;
}

export type RunNews = ChunkNews | TroubleNews | RecoveredNews;

export const newsSignal = defineSignal<[RunNews[]]>('news');
export const NEWS_SIGNAL_DESCRIPTION =
  'Sent by the run\'s own activities: rows of chunks in flight and trouble being retried (shown in the current details).';

/** What the run knows from its news, kept in workflow memory (not carried across continue-as-new). */
export interface NewsBoard {
  inFlightRows: Map<number, { rows: number; skipped: number }>;
  troubles: Map<string, TroubleNews>;
}

export function newNewsBoard(): NewsBoard {
  return { inFlightRows: new Map(), troubles: new Map() };
}

/** Applies news; chunks already finished ignore late heartbeats. */
export function applyNews(board: NewsBoard, state: MigrationState, news: RunNews[]): void {
  for (const n of news) {
    if (n.kind === 'chunk') {
      if (state.doneChunks[n.chunk] === undefined) board.inFlightRows.set(n.chunk, { rows: n.rows, skipped: n.skipped ?? 0 });
    } else if (n.kind === 'trouble') {
      if (n.chunk === undefined || state.doneChunks[n.chunk] === undefined) board.troubles.set(n.about, n);
    } else {
      board.troubles.delete(n.about);
    }
  }
}

/** A chunk finished: its rows are in the state now, and trouble it was retrying through is over. */
export function chunkFinished(board: NewsBoard, chunk: number): void {
  board.inFlightRows.delete(chunk);
  for (const [about, t] of board.troubles) if (t.chunk === chunk) board.troubles.delete(about);
}

const PHASE_TEXT: Record<Phase, string> = {
  pending: 'Waiting for a worker',
  connecting: 'Connecting to source and destination',
  reading_schema: 'Reading the source schema',
  planning: 'Planning key ranges',
  creating_table: 'Creating the destination table',
  copying: 'Copying',
  finishing: 'Finishing the destination table',
  verifying: 'Verifying row counts',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * The run's current details: phase, rows, rate and ETA while copying, and each trouble being
 * retried ("Hydrolix ingest answering 503 (server error), retrying in 8 s"). `now`: workflow time.
 */
export function currentDetails(state: MigrationState, board: NewsBoard, now: number): string {
  const lines: string[] = [];
  let inFlight = 0;
  let skipped = 0;
  for (const c of board.inFlightRows.values()) {
    inFlight += c.rows;
    skipped += c.skipped;
  }
  const copied = state.rowsCopied + inFlight;
  const read = copied + (state.rowsSkipped ?? 0) + skipped;
  const total = state.plan?.rowsTotal ?? null;
  let head = `**${PHASE_TEXT[state.phase]}**`;
  if (state.phase === 'failed' && state.error) head += `: ${state.error}`;
  lines.push(head);
  if (state.plan && ['copying', 'finishing', 'verifying', 'completed'].includes(state.phase)) {
    const chunks = `${Object.keys(state.doneChunks).length} of ${chunkCount(state.plan)} chunks done` + (board.inFlightRows.size > 0 ? `, ${board.inFlightRows.size} in flight` : '');
    const rows = `${grouped(copied)}${total !== null ? ` of ${grouped(total)}` : ''} rows copied`;
    const parts = [rows, chunks];
    const copyMs = state.copyMsBefore + (state.copyStartedAt !== undefined ? now - state.copyStartedAt : 0);
    if (copyMs > 0 && copied > 0) {
      const rate = (read * 1000) / copyMs;
      parts.push(`${grouped(rate)} rows/s`);
      if (state.phase === 'copying' && total !== null && rate > 0) parts.push(`about ${durationText(Math.max(0, total - read) / rate)} left`);
    }
    lines.push(parts.join(' · '));
  }
  if (state.target) lines.push(`Target: ${state.target}`);
  for (const t of board.troubles.values()) {
    const wait = Math.max(0, Math.round((t.retryAt - t.at) / 1000));
    lines.push(`⚠ ${t.message}, retrying in ${wait} s${t.chunk !== undefined ? ` (chunk ${t.chunk + 1})` : ''}`);
  }
  return lines.join('\n');
}
