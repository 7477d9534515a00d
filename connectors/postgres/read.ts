import { PermanentError, type Column, type KeyRange, type KeyTuple, type KeyWalk, type KeyValue, type Row, type TableSchema } from '../types';
import type { Db } from './schema';
import { keyList, quoteIdent, rangeWhere } from './sql';
import { evenSplit, singleIntegerKey } from '../plan';
import { makeConverter, toKeyValue, type Converter } from './values';

/*
 * Consistency: each page is its own statement (READ COMMITTED), like the SingleStore source. A
 * table changing during the copy yields each key as it was when its page was read. Copy a quiescent
 * table (or a snapshot) when a point-in-time copy matters.
 */

export function keyColumns(schema: TableSchema): Column[] {
  return schema.key.map((k) => {
    const c = schema.columns.find((col) => col.name === k);
    if (!c) throw new PermanentError(`key column "${k}" is not in the schema of "${schema.name}"`);
    return c;
  });
}

/** real is read as float8: its text would be the shortest float4 form (1.1), not the exact value (1.100000023841858). */
export function selectExpr(col: Column): string {
  const id = quoteIdent(col.name);
  return col.type.kind === 'float' && col.type.bits === 32 ? `${id}::float8` : id;
}

/** The row set as a FROM item plus the parameters it already uses ($1.. of an incremental window). */
export interface From {
  sql: string;
  params: unknown[];
}

async function arrays(db: Db, text: string, values: unknown[]): Promise<unknown[][]> {
  return (await db.query({ text, values, rowMode: 'array' })).rows as unknown[][];
}

export async function countRows(db: Db, from: From, schema: TableSchema, range?: KeyRange): Promise<number> {
  const params = [...from.params];
  const where = rangeWhere(keyColumns(schema), range?.after ?? null, range?.upTo ?? null, params);
  const r = await arrays(db, `SELECT count(*) FROM ${from.sql}${where}`, params);
  return Number(r[0][0]);
}

/** Successive key tuples chunkRows apart; a dense single integer key is split arithmetically, any other walked once (see walkKeys). */
export async function planBoundaries(db: Db, from: From, schema: TableSchema, chunkRows: number, rowsTotal?: number): Promise<KeyTuple[]> {
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new PermanentError('chunkRows must be a positive integer');
  const keyCols = keyColumns(schema);
  const even = await evenSplit(keyCols, rowsTotal, chunkRows, async (key) => {
    const k = quoteIdent(key.name);
    const [[min, max]] = await arrays(db, `SELECT min(${k})::text, max(${k})::text FROM ${from.sql}`, [...from.params]);
    return [min, max];
  });
  if (even) return even;
  return (await walkKeys(db, from, schema, chunkRows, Number.MAX_SAFE_INTEGER)).boundaries;
}

/**
 * One statement over the key columns in the copy's keyset order (same ORDER BY, same collation):
 * the server numbers the rows and sends back only every `every`-th key plus the last row, which
 * carries the exact count (and the single integer key's running sum). The worker holds only the
 * boundaries: about rows / every of them, at most `maxChunks` kept (spacing doubled past it).
 */
export async function walkKeys(db: Db, from: From, schema: TableSchema, every: number, maxChunks: number): Promise<KeyWalk> {
  if (!Number.isInteger(every) || every < 1) throw new PermanentError('chunkRows must be a positive integer');
  const keyCols = keyColumns(schema);
  const convs = keyCols.map((c) => makeConverter(c, c.sourceType));
  const sumKey = singleIntegerKey(keyCols);
  const params = [...from.params, every];
  const sum = sumKey ? `(sum(${quoteIdent(sumKey.name)}::numeric) OVER w)::text` : 'NULL::text';
  const k = keyCols.length;
  const inner = `SELECT ${keyCols.map(selectExpr).join(', ')}, row_number() OVER w AS _es_n, ${sum} AS _es_sum, (lead(1) OVER w) IS NULL AS _es_last FROM ${from.sql}` +
    ` WINDOW w AS (ORDER BY ${keyList(keyCols)} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const r = await arrays(db, `SELECT * FROM (${inner}) AS _es_k WHERE _es_n % $${params.length} = 0 OR _es_last ORDER BY _es_n`, params);
  let rows = 0;
  let keySum: string | null = sumKey ? '0' : null;
  let keys: KeyTuple[] = [];
  for (const row of r) {
    const n = Number(row[k]);
    if (row[k + 2] === true || row[k + 2] === 't') {
      rows = n;
      if (sumKey) keySum = BigInt(String(row[k + 1])).toString();
    }
    if (n % every === 0) keys.push(keyCols.map((c, i) => toKeyValue(c, convs[i](row[i]))));
  }
  // A boundary on the last row would leave an empty final chunk: the open-ended last chunk covers it.
  if (keys.length > 0 && keys.length * every === rows) keys.pop();
  let spacing = every;
  while (keys.length + 1 > maxChunks) {
    keys = keys.filter((_, i) => i % 2 === 1); // keys at rows spacing·(i+1): keep the even multiples
    spacing *= 2;
  }
  return { tally: { rows, keySum }, boundaries: keys, every: spacing };
}

/** The planner's estimate of the row set's size (EXPLAIN: statistics, or pages when never analyzed). */
export async function estimateRows(db: Db, from: From): Promise<number | null> {
  const r = await arrays(db, `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${from.sql}`, [...from.params]);
  const plan = (typeof r[0][0] === 'string' ? JSON.parse(r[0][0]) : r[0][0]) as Array<{ Plan?: { 'Plan Rows'?: number } }>;
  const n = plan[0]?.Plan?.['Plan Rows'];
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/** Rows of a range in key order, one bounded keyset page per query (never OFFSET, never the whole range at once). */
export async function* readData(
  db: Db,
  from: From,
  schema: TableSchema,
  range: KeyRange,
  opts: { batchRows: number; signal?: AbortSignal },
): AsyncGenerator<Row[]> {
  if (!Number.isInteger(opts.batchRows) || opts.batchRows < 1) throw new PermanentError('batchRows must be a positive integer');
  const keyCols = keyColumns(schema);
  const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
  const convs: Converter[] = schema.columns.map((c) => makeConverter(c, c.sourceType));
  const select = `SELECT ${schema.columns.map(selectExpr).join(', ')} FROM ${from.sql}`;
  const order = ` ORDER BY ${keyList(keyCols)} LIMIT ${opts.batchRows}`;
  let after = range.after;
  for (;;) {
    opts.signal?.throwIfAborted(); // never end quietly: a cut-short range must not look finished
    const params = [...from.params];
    const raw = await arrays(db, select + rangeWhere(keyCols, after, range.upTo, params) + order, params);
    if (raw.length === 0) return;
    const rows: Row[] = raw.map((r) => r.map((v, i) => convs[i](v)));
    const last = rows[rows.length - 1];
    after = keyIdx.map((i, j) => toKeyValue(keyCols[j], last[i]));
    opts.signal?.throwIfAborted(); // never end quietly: a cut-short range must not look finished
    yield rows;
    if (raw.length < opts.batchRows) return;
  }
}

/** Greatest value of a column over the (windowed) row set, as a canonical key value; null when empty or all NULL. */
export async function maxValue(db: Db, from: From, schema: TableSchema, column: string): Promise<KeyValue | null> {
  const col = schema.columns.find((c) => c.name === column);
  if (!col) throw new PermanentError(`options.cursor_column "${column}" is not a column of the source rows`);
  const id = quoteIdent(column);
  const r = await arrays(db, `SELECT ${selectExpr(col)} FROM ${from.sql} WHERE ${id} IS NOT NULL ORDER BY ${id} DESC LIMIT 1`, [...from.params]);
  return r.length === 0 ? null : toKeyValue(col, makeConverter(col, col.sourceType)(r[0][0]));
}
