/**
 * Whether a copy takes the packed-row path (no value decoded in the worker, README "How a
 * migration runs" step 5), and if not, why: the migration's warnings and the bench name the cause.
 */
import type { DestinationConnector, DestinationSpec, SourceConnector, SourceSpec, TableSchema } from '../connectors/types';

/** The warning a migration carries when its rows take the row path. */
export const SLOW_PATH_WARNING = 'rows decoded in the worker (slower path)';

/**
 * Why rows of `schema` cannot travel as packed rows from `src` to `dst`, or null when they can.
 * `written`: the destination's view of the rows when a column mapping renames or casts them.
 * `tableMissing` (the dry-run plan, where the table is missing or would be refused): only the source
 * half is asked, since a destination that writes packed rows creates its tables with types that take them.
 */
export async function textPathBlocker(
  src: SourceConnector,
  dst: DestinationConnector,
  source: SourceSpec,
  destination: DestinationSpec,
  schema: TableSchema,
  written: TableSchema = schema,
  tableMissing = false,
): Promise<string | null> {
  if (!src.readText || !src.canReadText) return `the ${src.type} source reads no packed rows`;
  if (!dst.writeText || !dst.acceptsText) return `the ${dst.type} destination writes no packed rows`;
  const fromSource = src.textPathBlocker ? await src.textPathBlocker(source, schema) : (await src.canReadText(source, schema)) ? null : `the ${src.type} source cannot read this row set as packed rows`;
  if (fromSource || tableMissing) return fromSource;
  if (dst.textPathBlocker) return dst.textPathBlocker(destination, written);
  return (await dst.acceptsText(destination, written)) ? null : `the ${dst.type} destination cannot write this table from packed rows`;
}
