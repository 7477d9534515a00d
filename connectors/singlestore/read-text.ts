/**
 * Rows as packed text batches (TextBatch, types.ts): the server's text-protocol row packets,
 * copied as they arrive, so the worker moves bytes instead of decoding and re-encoding every
 * value (measured: half the worker CPU of decoding rows, the server's cost unchanged).
 */
import type { Column, ColumnKind, KeyRange, SourceSpec, TableSchema, TextBatch } from '../types';
import { fieldBytes } from '../packed-forms';
import type { Flavor, RawRowStream } from './flavor';
import { PackedPage, zeroDateColumns, type ZeroDates } from './packed-page';
import { keyColumns, type ReadContext } from './read';
import { orderByKey, rangeWhere, selectExpr, windowedRef } from './sql';
import { makeConverter, toKeyValue } from './values';

/**
 * What the server sends for each kind, as read with selectExpr: the packed form of TextBatch
 * (canonical text; binary and bit as bytes; SingleStore TIMESTAMP as epoch seconds). A kind
 * added to the type model without an entry here keeps its tables on the row path.
 */
const PACKED_KINDS: Record<ColumnKind, true> = {
  int: true, boolean: true, decimal: true, float: true, date: true, datetime: true, time: true, year: true,
  string: true, enum: true, set: true, json: true, binary: true, bit: true,
};

/** S2 ignores SET time_zone, so TIMESTAMP is selected as epoch seconds (sql.ts selectExpr). */
export const readAsEpoch = (c: Column, flavor: Flavor): boolean => c.type.kind === 'datetime' && c.type.utc && flavor === 'singlestore';

/** Why readText cannot serve this row set, or null when it can. */
export function textPathBlocker(schema: TableSchema): string | null {
  const c = schema.columns.find((col) => PACKED_KINDS[col.type.kind] !== true);
  return c ? `column \`${c.name}\` (${c.sourceType}): no packed form for kind ${c.type.kind}` : null;
}

export function canReadText(schema: TableSchema): boolean {
  return textPathBlocker(schema) === null;
}

/**
 * Pages of wide rows are cut to about this many bytes: 20 000 rows of 2 KB BLOBs would make a
 * 40 MB page, held up to three times per lane (the page written, the page read ahead, its COPY
 * output). Rows per page follow the previous page's bytes per row; the first page of a range,
 * before any row is seen, holds at most FIRST_PAGE_ROWS.
 */
export const PAGE_BYTES = 4 * 1024 * 1024;
const FIRST_PAGE_ROWS = 100;

/** One page's row packets. */
async function readPage(stream: RawRowStream, sql: string, params: unknown[], ncols: number, zero: ZeroDates | null, sizeHint: number, reuse?: Buffer): Promise<PackedPage> {
  const page = new PackedPage(ncols, zero, sizeHint, reuse);
  await stream(sql, params, (buf, start, end) => page.add(buf, start, end));
  return page;
}

/** Pages as readData reads them (keyset, at most `batchRows` rows each; see PAGE_BYTES), as packed rows. */
export async function* readText(
  ctx: ReadContext,
  stream: RawRowStream,
  spec: SourceSpec,
  schema: TableSchema,
  range: KeyRange,
  opts: { batchRows: number; signal?: AbortSignal },
): AsyncGenerator<TextBatch> {
  const keyCols = keyColumns(schema);
  const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
  const keyConvs = keyCols.map((c) => makeConverter(c, ctx));
  // Binary and bit keys convert from their bytes, like the row path's driver values.
  const keyBytes = keyCols.map((c) => c.type.kind === 'binary' || c.type.kind === 'bit');
  // Plain columns: the server only sends them (formatting lines in SQL cost it 2–3× more CPU).
  const select = `SELECT ${schema.columns.map((c) => selectExpr(c, ctx.flavor)).join(', ')} FROM ${windowedRef(spec, schema, ctx.flavor)}`;
  const ncols = schema.columns.length;
  const epochSeconds = schema.columns.flatMap((c, i) => (readAsEpoch(c, ctx.flavor) ? [i] : []));
  // Zero dates get the row path's verdict from its own converters (NULL with one warning per column, or its error).
  const convs = schema.columns.map((c) => (c.type.kind === 'date' || c.type.kind === 'datetime' ? makeConverter(c, ctx) : null));
  const zero = zeroDateColumns(schema.columns, (c) => readAsEpoch(c, ctx.flavor), (i, text) => convs[i]!(text));
  let after = range.after;
  let limit = Math.min(opts.batchRows, FIRST_PAGE_ROWS);
  let sizeHint = 64 * 1024;
  // Page buffers the consumer released (TextBatch.release): a fresh multi-megabyte buffer per page
  // kept V8 collecting for its external memory.
  const free: Buffer[] = [];
  for (;;) {
    opts.signal?.throwIfAborted(); // never end quietly: a cut-short range must not look finished
    const where = rangeWhere(keyCols, after, range.upTo, ctx.flavor);
    const page = await readPage(stream, `${select}${where.sql}${orderByKey(keyCols)} LIMIT ${limit}`, where.params, ncols, zero, sizeHint, free.pop());
    if (page.rows === 0) return;
    const payload = page.payload();
    const lastKey = keyCols.map((c, j) => {
      const bytes = fieldBytes(payload, page.lastRow, keyIdx[j]);
      return toKeyValue(c, keyConvs[j](bytes === null ? null : keyBytes[j] ? Buffer.from(bytes) : bytes.toString('utf8')));
    });
    let buf: Buffer | null = page.buf;
    const release = () => {
      if (buf) free.push(buf); // once: a buffer in the free list twice would back two pages
      buf = null;
    };
    const batch: TextBatch = { rows: page.rows, lastKey, payload, release };
    if (epochSeconds.length) batch.epochSeconds = epochSeconds;
    after = batch.lastKey;
    opts.signal?.throwIfAborted();
    const last = page.rows < limit;
    limit = Math.min(opts.batchRows, Math.max(1, Math.floor((PAGE_BYTES * page.rows) / payload.length)));
    sizeHint = Math.ceil(((payload.length * limit) / page.rows) * 1.1);
    yield batch;
    if (last) return;
  }
}
