/**
 * Which copy path a migration took: `packed` (text rows moved as bytes, nothing decoded in the
 * worker) or `decoded` (every value decoded and re-encoded), and why, as the worker decides it
 * (activities/copy-chunk.ts: both ends must speak packed text rows for the schema).
 */
import type { DestinationConnector, DestinationSpec, SourceConnector, SourceSpec, TableSchema } from '../../connectors/types';

/** Warning a run carries when its rows went through the decoding path. */
const DECODED_WARNING = /rows decoded in the worker[^:]*:\s*(.*)$/;

/** An optional connector method naming what keeps a schema off the packed path (null: nothing). */
type Blocker = { textPathBlocker?: (spec: never, schema: TableSchema) => Promise<string | null> };

async function blockerOf(c: SourceConnector | DestinationConnector, spec: SourceSpec | DestinationSpec, schema: TableSchema): Promise<string | null> {
  const f = (c as Blocker).textPathBlocker;
  return f ? f.call(c, spec as never, schema) : null;
}

export async function copyPath(
  src: SourceConnector,
  srcSpec: SourceSpec,
  dst: DestinationConnector,
  dstSpec: DestinationSpec,
  schema: TableSchema,
  warnings: string[],
): Promise<string> {
  for (const w of warnings) {
    const m = DECODED_WARNING.exec(w);
    if (m) return `decoded: ${m[1]}`;
  }
  const canRead = !!src.readText && !!(await src.canReadText?.(srcSpec, schema));
  const canWrite = !!dst.writeText && !!(await dst.acceptsText?.(dstSpec, schema));
  if (canRead && canWrite) return 'packed';
  const why = [
    canRead ? null : ((await blockerOf(src, srcSpec, schema)) ?? 'the source cannot send these columns as packed text'),
    canWrite ? null : ((await blockerOf(dst, dstSpec, schema)) ?? 'the destination needs these columns respelled'),
  ].filter(Boolean);
  return `decoded: ${why.join('; ')}`;
}
