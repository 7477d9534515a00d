/**
 * Rows as text batches (TextBatch, types.ts), formatted by the server: each row is selected as
 * one CONCAT(...) line, so the worker moves bytes instead of decoding and re-encoding every
 * value (measured: half the worker CPU of decoding rows, the server's cost unchanged).
 */
import type { Column, KeyRange, SourceSpec, TableSchema, TextBatch } from '../types';
import { canonicalText, encodeTextRows, lastLineFields } from '../text-rows';
import type { Flavor, RowStream } from './flavor';
import { keyColumns, readData, type ReadContext } from './read';
import { orderByKey, rangeWhere, selectExpr, windowedRef } from './sql';
import { makeConverter, toKeyValue } from './values';

/** Kinds whose server text is their canonical text (binary and bit are not text). */
const TEXT_KINDS = new Set(['int', 'boolean', 'decimal', 'float', 'date', 'datetime', 'time', 'year', 'string', 'enum', 'set', 'json']);
/** Kinds whose values may hold a backslash, tab, newline or carriage return. */
const FREE_TEXT = new Set(['string', 'enum', 'set', 'json']);

export function canReadText(schema: TableSchema, flavor: Flavor): boolean {
  // S2 TIMESTAMP is read as epoch seconds and converted in the worker (sql.ts selectExpr).
  return schema.columns.every((c) => TEXT_KINDS.has(c.type.kind) && !(c.type.kind === 'datetime' && c.type.utc && flavor === 'singlestore'));
}

/** SQL string literal of a text-format token; backslashes doubled for the server's own escaping. */
const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

function fieldExpr(col: Column, flavor: Flavor): string {
  let e = selectExpr(col, flavor);
  if (FREE_TEXT.has(col.type.kind)) {
    // One charset and collation for the whole line: CONCAT refuses to mix collations. A utf8mb4
    // column only needs its collation relabelled (free); others are converted, which costs the
    // server ~1 s per million rows of three text columns. S2 stores utf8mb4 only.
    if (flavor !== 'singlestore') e = col.charset === 'utf8mb4' ? `(${e} COLLATE utf8mb4_bin)` : `CONVERT(${e} USING utf8mb4)`;
    for (const [ch, esc] of [['\\', '\\\\'], ['\t', '\\t'], ['\n', '\\n'], ['\r', '\\r']]) e = `REPLACE(${e}, ${lit(ch)}, ${lit(esc)})`;
  }
  return col.nullable ? `IFNULL(${e}, ${lit('\\N')})` : e;
}

/**
 * The line expression. A row holding a zero date yields NULL instead, so the page goes through
 * the row path, which applies the zero-date rules (NULL with a warning, or an error).
 */
export function lineExpr(schema: TableSchema, flavor: Flavor): string {
  const parts = schema.columns.flatMap((c, i) => (i === 0 ? [fieldExpr(c, flavor)] : [lit('\t'), fieldExpr(c, flavor)]));
  const line = `CONCAT(${parts.join(', ')}, ${lit('\n')})`;
  const zero = schema.columns
    .filter((c) => c.type.kind === 'date' || c.type.kind === 'datetime')
    .map((c) => `MONTH(${selectExpr(c, flavor)}) = 0 OR DAYOFMONTH(${selectExpr(c, flavor)}) = 0`);
  return zero.length ? `IF(${zero.join(' OR ')}, NULL, ${line})` : line;
}

/** One page's lines copied into one buffer as they arrive; `complete` is false when a line was NULL. */
async function readPage(stream: RowStream, sql: string, params: unknown[], sizeHint: number): Promise<{ payload: Buffer; rows: number; complete: boolean }> {
  let buf = Buffer.allocUnsafe(sizeHint);
  let len = 0;
  let rows = 0;
  let complete = true;
  await stream(sql, params, ([line]) => {
    rows++;
    if (line === null) {
      complete = false;
      return;
    }
    if (len + line.length > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, len + line.length));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    len += line.copy(buf, len);
  });
  return { payload: buf.subarray(0, len), rows, complete };
}

/** Same pages as readData (keyset, `batchRows` each), as text. */
export async function* readText(
  ctx: ReadContext,
  stream: RowStream,
  spec: SourceSpec,
  schema: TableSchema,
  range: KeyRange,
  opts: { batchRows: number; signal?: AbortSignal },
): AsyncGenerator<TextBatch> {
  const keyCols = keyColumns(schema);
  const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
  const keyConvs = keyCols.map((c) => makeConverter(c, ctx));
  const select = `SELECT ${lineExpr(schema, ctx.flavor)} FROM ${windowedRef(spec, schema, ctx.flavor)}`;
  const encoders = schema.columns.map(() => canonicalText);
  let after = range.after;
  let sizeHint = 64 * 1024;
  for (;;) {
    opts.signal?.throwIfAborted(); // never end quietly: a cut-short range must not look finished
    const where = rangeWhere(keyCols, after, range.upTo, ctx.flavor);
    const page = await readPage(stream, `${select}${where.sql}${orderByKey(keyCols)} LIMIT ${opts.batchRows}`, where.params, sizeHint);
    if (page.rows === 0) return;
    let batch: TextBatch;
    if (page.complete) {
      sizeHint = Math.ceil(page.payload.length * 1.1);
      const fields = lastLineFields(page.payload);
      const lastKey = keyCols.map((c, j) => toKeyValue(c, keyConvs[j](fields[keyIdx[j]])));
      batch = { rows: page.rows, lastKey, payload: page.payload };
    } else {
      // The same page through the row path (zero dates, or a NULL where the schema promised none).
      const rowPage = readData(ctx, spec, schema, { after, upTo: range.upTo }, { batchRows: opts.batchRows, signal: opts.signal });
      const { value: rows } = await rowPage.next();
      await rowPage.return(undefined);
      if (!rows || rows.length === 0) return;
      const last = rows[rows.length - 1];
      batch = { rows: rows.length, lastKey: keyIdx.map((i, j) => toKeyValue(keyCols[j], last[i])), payload: encodeTextRows(schema, encoders, rows) };
    }
    after = batch.lastKey;
    opts.signal?.throwIfAborted();
    yield batch;
    if (page.rows < opts.batchRows) return;
  }
}
