/**
 * Which copy path a migration took: `packed` (text rows moved as bytes, nothing decoded in the
 * worker) or `decoded` (every value decoded and re-encoded), and why, as the worker decides it
 * (activities/text-path.ts).
 */
import type { DestinationConnector, DestinationSpec, SourceConnector, SourceSpec, TableSchema } from '../../connectors/types';
import { SLOW_PATH_WARNING, textPathBlocker } from '../../activities/text-path';

/** `decoded: <why>` when a run's warnings say its rows were decoded, else undefined. */
export function decodedByWarnings(warnings: string[]): string | undefined {
  const w = warnings.find((x) => x.startsWith(SLOW_PATH_WARNING));
  return w === undefined ? undefined : `decoded: ${w.slice(SLOW_PATH_WARNING.length).replace(/^:\s*/, '')}`;
}

/** The path of a finished run: from its warnings, else asked of the connectors as the worker asks them. */
export async function copyPath(
  src: SourceConnector,
  srcSpec: SourceSpec,
  dst: DestinationConnector,
  dstSpec: DestinationSpec,
  schema: TableSchema,
  warnings: string[],
): Promise<string> {
  const decoded = decodedByWarnings(warnings);
  if (decoded) return decoded;
  const why = await textPathBlocker(src, dst, srcSpec, dstSpec, schema);
  return why ? `decoded: ${why}` : 'packed';
}
