import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Column, CursorWindow, KeyRange, LandedRows, TableSchema } from '../types';
import { keyColumns } from './read';
import type { Db } from './schema';
import { keyList, quoteIdent, rangeWhere } from './sql';
import { makeConverter, toKeyValue } from './values';

export type WriteMode = 'append' | 'upsert';
/** text: COPY's text format (text-rows.ts); binary: a whole COPY BINARY stream (binary-copy.ts). */
export type CopyFormat = 'text' | 'binary';

/** Streams one prepared COPY payload; resolves when the server acknowledged the whole COPY. */
export function copyIn(client: pg.PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(payload);
  });
}

/**
 * append: one plain COPY, atomic on its own (a batch lands entirely or not at all), so landedRows
 * stays exact and a retried chunk resumes after what is there.
 * upsert: COPY into a per-transaction temp table, then INSERT … ON CONFLICT (key) DO UPDATE, so
 * re-sent rows overwrite instead of failing.
 */
export async function writeBatch(
  client: pg.PoolClient,
  target: string,
  schema: TableSchema,
  payload: Buffer,
  mode: WriteMode,
  format: CopyFormat = 'text',
): Promise<void> {
  const cols = schema.columns.map((c) => quoteIdent(c.name)).join(', ');
  const from = format === 'binary' ? 'FROM STDIN (FORMAT binary)' : 'FROM STDIN';
  if (mode === 'append') return copyIn(client, `COPY ${target} (${cols}) ${from}`, payload);
  const keys = new Set(schema.key);
  const sets = schema.columns.filter((c) => !keys.has(c.name)).map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  const action = sets.length ? `DO UPDATE SET ${sets.join(', ')}` : 'DO NOTHING';
  await client.query('BEGIN');
  try {
    await client.query(`CREATE TEMP TABLE _es_stage ON COMMIT DROP AS SELECT ${cols} FROM ${target} WITH NO DATA`);
    await copyIn(client, `COPY _es_stage (${cols}) ${from}`, payload);
    await client.query(`INSERT INTO ${target} (${cols}) SELECT ${cols} FROM _es_stage ON CONFLICT (${schema.key.map(quoteIdent).join(', ')}) ${action}`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Rows and greatest key inside a range, with row-value comparisons on the key (index range scan).
 * String keys compare in code-point order (see sql.ts), matching the order a `_bin` source pages in.
 * `storedTypes` are the destination's format_type() spellings, to read the key back canonically.
 */
export async function landedRows(
  db: Db,
  target: string,
  schema: TableSchema,
  range: KeyRange,
  storedTypes: Map<string, string>,
  window?: CursorWindow,
): Promise<LandedRows> {
  const keyCols = keyColumns(schema);
  const opts = { binaryCollation: true };
  const params: unknown[] = [];
  let where = rangeWhere(keyCols, range.after, range.upTo, params, opts);
  // An incremental run only counts rows of its own window (the table holds earlier runs too).
  if (window) {
    const conds: string[] = [];
    if (window.after !== null) conds.push(`${quoteIdent(window.column)} > $${params.push(String(window.after))}`);
    if (window.from != null) conds.push(`${quoteIdent(window.column)} >= $${params.push(String(window.from))}`);
    if (window.upTo !== null) conds.push(`${quoteIdent(window.column)} <= $${params.push(String(window.upTo))}`);
    if (conds.length) where = where ? `${where} AND ${conds.join(' AND ')}` : ` WHERE ${conds.join(' AND ')}`;
  }
  const count = (await db.query({ text: `SELECT count(*) FROM ${target}${where}`, values: params, rowMode: 'array' })).rows as unknown[][];
  const rows = Number(count[0][0]);
  if (rows === 0) return { rows, lastKey: null };
  const last = (
    await db.query({
      text: `SELECT ${keyCols.map((c) => quoteIdent(c.name)).join(', ')} FROM ${target}${where} ORDER BY ${keyList(keyCols, opts, ' DESC')} LIMIT 1`,
      values: params,
      rowMode: 'array',
    })
  ).rows as unknown[][];
  const lastKey = keyCols.map((c: Column, i) => toKeyValue(c, makeConverter(c, storedTypes.get(c.name) ?? c.sourceType)(last[0][i])));
  return { rows, lastKey };
}
