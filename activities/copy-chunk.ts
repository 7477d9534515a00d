/**
 * Copies one key range. Heartbeats the last written key after every batch, so a retry
 * (new attempt, other worker) continues from there; on resume it first asks the
 * destination what already landed past that point, so a crash between "written" and
 * "heartbeated" does not duplicate rows. An incremental chunk also skips rows an earlier run
 * delivered unchanged and fingerprints rows for the next run (BoundaryFilter).
 */
import { Context } from '@temporalio/activity';
import { mapColumns, renameWindow, type Mapped } from '../connectors/column-mapping';
import type { CursorWindow, DestinationConnector, KeyRange, KeyTuple, Row, SourceConnector } from '../connectors/types';
import type { ChunkHeartbeat, ChunkResult, CopyChunkInput } from '../workflows/types';
import { BoundaryFilter } from './boundary-filter';
import type { ConnectorCache } from './connector-cache';
import { keyIndexes, keyOf } from './keys';
import { readAhead } from './read-ahead';
import { sizedRows } from './sized-rows';

/**
 * The part of the window only this run can have written: an inclusive window re-reads its
 * previous mark's value (and the lookback), where the destination holds earlier runs' versions,
 * so what landed is counted strictly past the previous mark.
 */
function landedWindow(input: CopyChunkInput): CursorWindow | undefined {
  const w = input.source.spec.window;
  if (!w || !input.boundary) return w;
  return { column: w.column, after: input.boundary.mark, upTo: w.upTo };
}

type Start = ChunkHeartbeat & { resumedRows: number; landedTo?: KeyTuple };

/** Where a chunk starts: its lower bound, its last heartbeat, or what the destination already holds. */
async function resumePoint(input: CopyChunkInput, dst: DestinationConnector, m: Mapped): Promise<Start> {
  const ctx = Context.current();
  const beat = ctx.info.heartbeatDetails as ChunkHeartbeat | undefined;
  const start: Start = { ...beat, cursor: beat?.cursor ?? input.range.after, rows: beat?.rows ?? 0, resumedRows: 0 };
  if (!beat && ctx.info.attempt === 1 && !input.mayHaveLanded) return start;
  ctx.heartbeat(beat); // keep the recorded position while asking
  // A destination may wait before it answers (Hydrolix: until recent writes are queryable, 30 s or more): keep beating.
  const beating = setInterval(() => ctx.heartbeat(beat), 5_000);
  // A first attempt with no heartbeat asks about earlier runs only, whose writes all precede its scheduling.
  const writtenBefore = !beat && ctx.info.attempt === 1 ? ctx.info.scheduledTimestampMs : undefined;
  const landed = await dst
    .landedRows(m.spec, m.write, input.range, renameWindow(landedWindow(input), m), { writtenBefore })
    .finally(() => clearInterval(beating));
  ctx.log.info('chunk resumes', { chunk: input.chunkIndex, landedRows: landed.rows, heartbeatRows: start.rows });
  // Fewer rows visible than heartbeated means the destination is still indexing: trust the
  // heartbeat then, it only ever records acknowledged writes. (An incremental chunk compares the
  // rows it wrote past the previous mark, the only ones landedRows counts.)
  const visible = input.boundary ? (beat?.fresh ?? 0) : start.rows;
  if (landed.lastKey && landed.rows >= visible) {
    // An incremental chunk reads the landed stretch again without writing it: its rows must be
    // fingerprinted and counted as written or skipped like the rest.
    if (input.boundary) return { ...start, landedTo: landed.lastKey, resumedRows: landed.rows };
    return { cursor: landed.lastKey, rows: landed.rows, resumedRows: landed.rows };
  }
  return { ...start, resumedRows: landed.rows };
}

/**
 * Reads (progress.cursor, upTo] again, writing nothing: the filter counts the rows that landed
 * before a crash (chunks write in key order) as written or skipped. It fingerprints none of them:
 * one changed since the crashed attempt passed it was not delivered in this form, and the next run
 * must not skip it (an unchanged one is delivered again, which loses nothing).
 */
async function accountLanded(input: CopyChunkInput, m: Mapped, src: SourceConnector, filter: BoundaryFilter, progress: ChunkHeartbeat, upTo: KeyTuple, signal: AbortSignal) {
  const keyIdx = keyIndexes(m.read);
  const range: KeyRange = { after: progress.cursor, upTo };
  filter.collect = false;
  for await (const batch of src.readData(input.source.spec, m.read, range, { batchRows: ROW_BATCH_ROWS, signal })) {
    if (batch.length === 0) continue;
    progress.rows += filter.rows(batch).length;
    progress.cursor = keyOf(batch[batch.length - 1], keyIdx, m.read);
  }
  filter.collect = true;
  Object.assign(progress, filter.tally());
}

/**
 * Default rows per batch. A packed-text batch is its bytes (~110 per row of the bench table) and
 * one COPY each; 20 000 rows copied 1M rows in 3.3 s against 3.7–4.3 s at 5 000 (bare pipeline, 2
 * lanes), in the same worker memory. Decoded rows cost several times their bytes in JS objects:
 * at 20 000 the Hydrolix run peaked at 245 MiB RSS, so the row path keeps 5 000 at most, fewer for
 * wide rows (pages of about ROW_PAGE_BYTES, sized-rows.ts).
 */
export const TEXT_BATCH_ROWS = 20_000;
export const ROW_BATCH_ROWS = 5_000;

/**
 * Text batches when both ends speak packed text rows for this schema (no value decoded in the
 * worker) and no cast needs converting values (column-mapping.ts: casts whose packed forms carry over keep it).
 */
async function speaksText(input: CopyChunkInput, m: Mapped, src: SourceConnector, dst: DestinationConnector): Promise<boolean> {
  if (!src.readText || !src.canReadText || !dst.writeText || !dst.acceptsText || m.rowPath) return false;
  return (await src.canReadText(input.source.spec, m.read)) && (await dst.acceptsText(m.spec, m.write));
}

async function copyRange(
  input: CopyChunkInput,
  m: Mapped,
  src: SourceConnector,
  dst: DestinationConnector,
  progress: ChunkHeartbeat,
  filter: BoundaryFilter | null,
  signal: AbortSignal,
): Promise<void> {
  const ctx = Context.current();
  const range: KeyRange = { after: progress.cursor, upTo: input.range.upTo };
  const text = await speaksText(input, m, src, dst);
  const read = { batchRows: input.batchRows ?? (text ? TEXT_BATCH_ROWS : ROW_BATCH_ROWS), signal };
  // The cursor is the last key read: rows skipped before it need no writing.
  const landed = (rows: number, lastKey: KeyTuple) => {
    progress.rows += rows;
    progress.cursor = lastKey;
    if (filter) Object.assign(progress, filter.tally());
    ctx.heartbeat({ ...progress });
  };
  // What a destination that settles lost answers may count as landed (see landedWindow).
  const window = renameWindow(landedWindow(input), m);
  if (text) {
    for await (const batch of readAhead(src.readText!(input.source.spec, m.read, range, read))) {
      if (batch.rows === 0) continue;
      const out = filter ? filter.text(batch) : batch;
      if (out.rows > 0) await dst.writeText!(m.spec, m.write, out, { window });
      batch.release?.();
      landed(out.rows, batch.lastKey);
    }
    return;
  }
  const keyIdx = keyIndexes(m.read);
  // Unless the run fixed batch_rows, row pages are sized by bytes (see sized-rows.ts).
  const pages = input.batchRows ? src.readData(input.source.spec, m.read, range, read) : sizedRows(src, input.source.spec, m.read, range, ROW_BATCH_ROWS, signal);
  for await (const batch of readAhead<Row[]>(pages)) {
    if (batch.length === 0) continue;
    const out = filter ? filter.rows(batch) : batch;
    if (out.length > 0) await dst.writeData(m.spec, m.write, m.convert ? out.map(m.convert) : out, { window });
    landed(out.length, keyOf(batch[batch.length - 1], keyIdx, m.read));
  }
}

export function copyChunkActivity(connectors: ConnectorCache) {
  return async function copyChunk(input: CopyChunkInput): Promise<ChunkResult> {
    const ctx = Context.current();
    const { source, destination } = input;
    const [src, dst] = await Promise.all([
      connectors.source(source.type, source.spec.connection),
      connectors.destination(destination.type, destination.spec.connection),
    ]);
    // Skipped columns are not read; the destination sees its own names and cast types (column-mapping.ts).
    const m = mapColumns(input.schema, destination.spec, dst.typing, { cursorColumn: source.spec.window?.column });
    const { resumedRows, landedTo, ...start } = await resumePoint(input, dst, m);
    const progress: ChunkHeartbeat = { ...start };
    const filter = input.boundary ? new BoundaryFilter(m.read, input.boundary, start) : null;
    // Heartbeat on a timer too, so one slow write (a destination backing off on 429/503)
    // is not mistaken for a dead worker.
    const keepAlive = setInterval(() => ctx.heartbeat({ ...progress }), 5_000);
    try {
      if (filter && landedTo) await accountLanded(input, m, src, filter, progress, landedTo, ctx.cancellationSignal);
      await copyRange(input, m, src, dst, progress, filter, ctx.cancellationSignal);
      // Cancelled (workflow cancel, worker shutdown) is never "done": a partial chunk returned as
      // completed would be recorded as finished and its remaining rows never copied.
      ctx.cancellationSignal.throwIfAborted();
    } finally {
      clearInterval(keepAlive);
    }
    const own = filter?.tally();
    return { rows: progress.rows, lastKey: progress.cursor, resumedRows, ...(own ? { skipped: own.skipped, seen: own.seen } : {}) };
  };
}
