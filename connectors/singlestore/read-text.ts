/**
 * Rows as text batches (TextBatch, types.ts), formatted by the server: each row is selected as
 * one CONCAT(...) line, so the worker moves bytes instead of decoding and re-encoding every
 * value (measured: half the worker CPU of decoding rows, the server's cost unchanged).
 */
import type { Column, KeyRange, SourceSpec, TableSchema, TextBatch } from '../types';
import { packRows, rowFields } from '../packed-rows';
import { plainText } from '../text-rows';
import type { Flavor, RawRowStream } from './flavor';
import { datedColumns, PackedPage } from './packed-page';
import { keyColumns, readData, type ReadContext } from './read';
import { orderByKey, rangeWhere, selectExpr, windowedRef } from './sql';
import { makeConverter, toKeyValue } from './values';

/** Kinds whose server text is their canonical text (binary and bit are not text). */
const TEXT_KINDS = new Set(['int', 'boolean', 'decimal', 'float', 'date', 'datetime', 'time', 'year', 'string', 'enum', 'set', 'json']);

export function canReadText(schema: TableSchema, flavor: Flavor): boolean {
  // S2 TIMESTAMP is read as epoch seconds and converted in the worker (sql.ts selectExpr).
  return schema.columns.every((c) => TEXT_KINDS.has(c.type.kind) && !(c.type.kind === 'datetime' && c.type.utc && flavor === 'singlestore'));
}

/** One page's row packets; `complete` is false when a row held a zero date. */
async function readPage(stream: RawRowStream, sql: string, params: unknown[], ncols: number, dated: number[], sizeHint: number, reuse?: Buffer): Promise<PackedPage> {
  const page = new PackedPage(ncols, dated, sizeHint, reuse);
  await stream(sql, params, (buf, start, end) => page.add(buf, start, end));
  return page;
}

/** Same pages as readData (keyset, `batchRows` each), as text. */
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
  // Plain columns: the server only sends them (formatting lines in SQL cost it 2–3× more CPU).
  const select = `SELECT ${schema.columns.map((c) => selectExpr(c, ctx.flavor)).join(', ')} FROM ${windowedRef(spec, schema, ctx.flavor)}`;
  const ncols = schema.columns.length;
  const dated = datedColumns(schema.columns);
  let after = range.after;
  let sizeHint = 64 * 1024;
  // Page buffers the consumer released (TextBatch.release): a fresh multi-megabyte buffer per page
  // kept V8 collecting for its external memory.
  const free: Buffer[] = [];
  for (;;) {
    opts.signal?.throwIfAborted(); // never end quietly: a cut-short range must not look finished
    const where = rangeWhere(keyCols, after, range.upTo, ctx.flavor);
    const page = await readPage(stream, `${select}${where.sql}${orderByKey(keyCols)} LIMIT ${opts.batchRows}`, where.params, ncols, dated, sizeHint, free.pop());
    if (page.rows === 0) return;
    let batch: TextBatch;
    if (page.complete) {
      const payload = page.payload();
      sizeHint = Math.ceil(payload.length * 1.1);
      const fields = rowFields(payload, page.lastRow, ncols);
      const lastKey = keyCols.map((c, j) => toKeyValue(c, keyConvs[j](fields[keyIdx[j]])));
      let buf: Buffer | null = page.buf;
      const release = () => {
        if (buf) free.push(buf); // once: a buffer in the free list twice would back two pages
        buf = null;
      };
      batch = { rows: page.rows, lastKey, payload, release };
    } else {
      // The same page through the row path, which applies the zero-date rules (NULL with a warning, or an error).
      const rowPage = readData(ctx, spec, schema, { after, upTo: range.upTo }, { batchRows: opts.batchRows, signal: opts.signal });
      const { value: rows } = await rowPage.next();
      await rowPage.return(undefined);
      if (!rows || rows.length === 0) return;
      const last = rows[rows.length - 1];
      batch = { rows: rows.length, lastKey: keyIdx.map((i, j) => toKeyValue(keyCols[j], last[i])), payload: packRows(rows, plainText) };
    }
    after = batch.lastKey;
    opts.signal?.throwIfAborted();
    yield batch;
    if (page.rows < opts.batchRows) return;
  }
}
