/**
 * Copies one key range. Heartbeats the last written key after every batch, so a retry
 * (new attempt, other worker) continues from there; on resume it first asks the
 * destination what already landed past that point, so a crash between "written" and
 * "heartbeated" does not duplicate rows.
 */
import { Context } from '@temporalio/activity';
import type { DestinationConnector, KeyRange, KeyTuple, Row, SourceConnector } from '../connectors/types';
import type { ChunkHeartbeat, ChunkResult, CopyChunkInput } from '../workflows/types';
import type { ConnectorCache } from './connector-cache';
import { keyIndexes, keyOf } from './keys';
import { readAhead } from './read-ahead';

/** Where a chunk starts: its lower bound, its last heartbeat, or what the destination already holds. */
async function resumePoint(input: CopyChunkInput, dst: DestinationConnector): Promise<ChunkHeartbeat & { resumedRows: number }> {
  const ctx = Context.current();
  const beat = ctx.info.heartbeatDetails as ChunkHeartbeat | undefined;
  const start = { cursor: beat?.cursor ?? input.range.after, rows: beat?.rows ?? 0, resumedRows: 0 };
  if (!beat && ctx.info.attempt === 1 && !input.mayHaveLanded) return start;
  ctx.heartbeat(beat); // keep the recorded position while asking
  const landed = await dst.landedRows(input.destination.spec, input.schema, input.range, input.source.spec.window);
  ctx.log.info('chunk resumes', { chunk: input.chunkIndex, landedRows: landed.rows, heartbeatRows: start.rows });
  // Fewer rows visible than heartbeated means the destination is still indexing: trust the
  // heartbeat then, it only ever records acknowledged writes.
  if (landed.lastKey && landed.rows >= start.rows) return { cursor: landed.lastKey, rows: landed.rows, resumedRows: landed.rows };
  return { ...start, resumedRows: landed.rows };
}

/**
 * Default rows per batch. A packed-text batch is its bytes (~110 per row of the bench table) and
 * one COPY each; 20 000 rows copied 1M rows in 3.3 s against 3.7–4.3 s at 5 000 (bare pipeline, 2
 * lanes), in the same worker memory. Decoded rows cost several times their bytes in JS objects:
 * at 20 000 the Hydrolix run peaked at 245 MiB RSS, so the row path keeps 5 000.
 */
export const TEXT_BATCH_ROWS = 20_000;
export const ROW_BATCH_ROWS = 5_000;

/** Text batches when both ends speak packed text rows for this schema (no value decoded in the worker). */
async function speaksText(input: CopyChunkInput, src: SourceConnector, dst: DestinationConnector): Promise<boolean> {
  if (!src.readText || !src.canReadText || !dst.writeText || !dst.acceptsText) return false;
  return (await src.canReadText(input.source.spec, input.schema)) && (await dst.acceptsText(input.destination.spec, input.schema));
}

async function copyRange(
  input: CopyChunkInput,
  src: SourceConnector,
  dst: DestinationConnector,
  progress: ChunkHeartbeat,
  signal: AbortSignal,
): Promise<void> {
  const ctx = Context.current();
  const range: KeyRange = { after: progress.cursor, upTo: input.range.upTo };
  const text = await speaksText(input, src, dst);
  const read = { batchRows: input.batchRows ?? (text ? TEXT_BATCH_ROWS : ROW_BATCH_ROWS), signal };
  const landed = (rows: number, lastKey: KeyTuple) => {
    progress.rows += rows;
    progress.cursor = lastKey;
    ctx.heartbeat({ ...progress });
  };
  if (text) {
    for await (const batch of readAhead(src.readText!(input.source.spec, input.schema, range, read))) {
      if (batch.rows === 0) continue;
      await dst.writeText!(input.destination.spec, input.schema, batch);
      batch.release?.();
      landed(batch.rows, batch.lastKey);
    }
    return;
  }
  const keyIdx = keyIndexes(input.schema);
  for await (const batch of readAhead<Row[]>(src.readData(input.source.spec, input.schema, range, read))) {
    if (batch.length === 0) continue;
    await dst.writeData(input.destination.spec, input.schema, batch, { window: input.source.spec.window });
    landed(batch.length, keyOf(batch[batch.length - 1], keyIdx, input.schema));
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
    const { resumedRows, ...start } = await resumePoint(input, dst);
    const progress: ChunkHeartbeat = { ...start };
    // Heartbeat on a timer too, so one slow write (a destination backing off on 429/503)
    // is not mistaken for a dead worker.
    const keepAlive = setInterval(() => ctx.heartbeat({ ...progress }), 5_000);
    try {
      await copyRange(input, src, dst, progress, ctx.cancellationSignal);
      // Cancelled (workflow cancel, worker shutdown) is never "done": a partial chunk returned as
      // completed would be recorded as finished and its remaining rows never copied.
      ctx.cancellationSignal.throwIfAborted();
    } finally {
      clearInterval(keepAlive);
    }
    return { rows: progress.rows, lastKey: progress.cursor, resumedRows };
  };
}
