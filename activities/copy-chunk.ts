/**
 * Copies one key range. Heartbeats the last written key after every batch, so a retry
 * (new attempt, other worker) continues from there; on resume it first asks the
 * destination what already landed past that point, so a crash between "written" and
 * "heartbeated" does not duplicate rows.
 */
import { Context } from '@temporalio/activity';
import type { Row } from '../connectors/types';
import type { ChunkHeartbeat, ChunkResult, CopyChunkInput } from '../workflows/types';
import type { ConnectorCache } from './connector-cache';
import { keyIndexes, keyOf } from './keys';
import { readAhead } from './read-ahead';

export function copyChunkActivity(connectors: ConnectorCache) {
  return async function copyChunk(input: CopyChunkInput): Promise<ChunkResult> {
    const ctx = Context.current();
    const { source, destination, schema, range } = input;
    const [src, dst] = await Promise.all([
      connectors.source(source.type, source.spec.connection),
      connectors.destination(destination.type, destination.spec.connection),
    ]);
    const keyIdx = keyIndexes(schema);

    const beat = ctx.info.heartbeatDetails as ChunkHeartbeat | undefined;
    let cursor = beat?.cursor ?? range.after;
    let rows = beat?.rows ?? 0;
    let resumedRows = 0;
    if (beat || ctx.info.attempt > 1 || input.mayHaveLanded) {
      ctx.heartbeat(beat); // keep the recorded position while asking
      const landed = await dst.landedRows(destination.spec, schema, range);
      // Fewer rows visible than heartbeated means the destination is still indexing:
      // trust the heartbeat then, it only ever records acknowledged writes.
      if (landed.lastKey && landed.rows >= rows) {
        cursor = landed.lastKey;
        rows = landed.rows;
      }
      resumedRows = landed.rows;
      ctx.log.info('chunk resumes', { chunk: input.chunkIndex, landedRows: landed.rows });
    }

    const batches = readAhead<Row[]>(
      src.readData(source.spec, schema, { after: cursor, upTo: range.upTo }, { batchRows: input.batchRows, signal: ctx.cancellationSignal }),
    );
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      await dst.writeData(destination.spec, schema, batch);
      rows += batch.length;
      cursor = keyOf(batch[batch.length - 1], keyIdx, schema);
      ctx.heartbeat({ cursor, rows } satisfies ChunkHeartbeat);
    }
    return { rows, lastKey: cursor, resumedRows };
  };
}
