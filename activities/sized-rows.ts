/**
 * Row-path pages sized by bytes: a page of decoded rows costs its values as JS strings and
 * objects, and with read-ahead two pages per lane are alive at once. Narrow rows keep the row
 * cap; wide rows (long text, BLOBs, many columns) get fewer per page so a page stays near
 * `ROW_PAGE_BYTES` whatever the shape.
 */
import type { KeyRange, Row, SourceConnector, SourceSpec, TableSchema } from '../connectors/types';
import { keyIndexes, keyOf } from './keys';

/** About this many bytes of decoded values per row-path page. */
export const ROW_PAGE_BYTES = 2 * 1024 * 1024;
/** The first page of a range is small: the row size is not known yet. */
const FIRST_PAGE_ROWS = 200;
/** Rows sampled per page to estimate its row size (cheap on narrow rows, which are the many). */
const SAMPLE_ROWS = 32;

/** Estimated in-memory bytes per row: strings as UTF-16, binary as its length, anything else a word. */
export function bytesPerRow(rows: Row[]): number {
  const step = Math.max(1, Math.floor(rows.length / SAMPLE_ROWS));
  let bytes = 0;
  let n = 0;
  for (let i = 0; i < rows.length; i += step, n++) {
    for (const v of rows[i]) {
      if (typeof v === 'string') bytes += 16 + 2 * v.length;
      else if (v instanceof Uint8Array) bytes += 64 + v.byteLength;
      else bytes += 8;
    }
  }
  return n === 0 ? 1 : Math.max(1, bytes / n);
}

/** Rows per page for this row size: at most `maxRows`, at least 1. */
export function pageRows(perRow: number, maxRows: number): number {
  return Math.max(1, Math.min(maxRows, Math.floor(ROW_PAGE_BYTES / perRow)));
}

/**
 * readData over `range` with the page size following the rows' size: when a full page says a
 * clearly different size is due, the read continues after its last key with the new size (each
 * page is its own keyset query, so nothing is read twice).
 */
export async function* sizedRows(
  src: SourceConnector,
  spec: SourceSpec,
  schema: TableSchema,
  range: KeyRange,
  maxRows: number,
  signal?: AbortSignal,
): AsyncGenerator<Row[]> {
  const keyIdx = keyIndexes(schema);
  let after = range.after;
  let rows = Math.min(maxRows, FIRST_PAGE_ROWS);
  for (;;) {
    let resize = 0;
    for await (const batch of src.readData(spec, schema, { after, upTo: range.upTo }, { batchRows: rows, signal })) {
      if (batch.length === 0) continue;
      after = keyOf(batch[batch.length - 1], keyIdx, schema);
      const full = batch.length === rows;
      const want = full ? pageRows(bytesPerRow(batch), maxRows) : rows;
      yield batch;
      if (want * 4 < rows * 3 || want * 3 > rows * 4) {
        resize = want;
        break;
      }
    }
    if (resize === 0) return;
    rows = resize;
  }
}
