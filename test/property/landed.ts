/**
 * What a resumed chunk relies on: once a table landed, each destination's landedRows over every
 * chunk range the source plans reports the rows the source holds in that range and its last key.
 */
import { expect } from 'vitest';
import type { KeyRange, KeyTuple, TableSchema } from '../../connectors/types';
import { hdxRefusal, sourceRefusal } from './expected';
import { HDX_PROJECT, PG_SCHEMA, postgresVerdict, tag, type Harness } from './harness';
import { createAndFill, q, readTruth } from './mariadb-table';
import type { TableCase } from './table-arb';

/** Source rows of a range: count and last key (bytes as hex, as keys travel). */
async function sourceRange(h: Harness, table: string, schema: TableSchema, range: KeyRange) {
  const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
  let rows = 0;
  let lastKey: KeyTuple | null = null;
  for await (const b of h.src.readData({ table }, schema, range, { batchRows: 1000 })) {
    rows += b.length;
    const last = b[b.length - 1];
    lastKey = keyIdx.map((i) => { const v = last[i]; return v instanceof Uint8Array ? Buffer.from(v).toString('hex') : (v as string | number); });
  }
  return { rows, lastKey };
}

/**
 * Documented and warned at createTable: the destination cannot order this key as the source does
 * (string keys compare in code-point order, a DECIMAL key is text in Hydrolix, µs become ms), so a
 * resumed chunk may be inexact. Such a destination is not held to the source's ranges.
 */
function keyOrderWarned(warnings: string[], collationDiffers: boolean): boolean {
  return warnings.some((w) => /^key column .* does not keep its order/.test(w) || (collationDiffers && /string key columns are compared in code-point order|is compared byte by byte in Hydrolix/.test(w)));
}

const asText = (k: KeyTuple | null) => (k === null ? null : k.map(String));

/**
 * Lands the case in both destinations and checks landedRows on every planned chunk; returns how
 * many ranges were compared. A destination that warned it cannot order the key as the source does
 * is skipped; with `collationWarned: 'skip'`, so is any destination when string keys sort under a
 * non-binary collation (whether or not it warned; regressions.test.ts holds the warning to account).
 */
export async function checkLanded(h: Harness, c: TableCase, chunkRows: number, collationWarned: 'require' | 'skip' = 'require'): Promise<number> {
  let compared = 0;
  const name = tag();
  try {
    await createAndFill(h.maria, name, c);
    const truth = await readTruth(h.maria, name, c);
    if (sourceRefusal(c, truth)) return 0;
    const schema = await h.src.getSchema({ table: name });
    const rows = [];
    for await (const b of h.src.readData({ table: name }, schema, { after: null, upTo: null }, { batchRows: 1000 })) rows.push(...b);
    const bounds = await h.src.planBoundaries({ table: name }, schema, chunkRows, rows.length);
    const ranges: KeyRange[] = [...bounds, null].map((upTo, i) => ({ after: i === 0 ? null : bounds[i - 1], upTo }));

    const stringKey = c.columns.some((col) => c.key.includes(col.name) && ['varchar', 'char'].includes(col.type.t));
  if (stringKey && c.collation !== 'utf8mb4_bin' && collationWarned === 'skip') return 0;
    const dests: Array<[string, typeof h.pgDest | typeof h.hdx, { table: string; namespace: string }]> = [];
    if (!(await postgresVerdict(h.pg, c, truth, 'smallint')).refuses) {
      const spec = { table: name, namespace: PG_SCHEMA, options: { boolean_as: 'smallint' } };
      const { warnings } = await h.pgDest.createTable(spec, schema);
      await h.pgDest.writeData(spec, schema, rows);
      await h.pgDest.finishTable(spec, schema);
      if (!keyOrderWarned(warnings, stringKey && c.collation !== 'utf8mb4_bin')) dests.push(['PostgreSQL', h.pgDest, spec]);
    }
    if (!hdxRefusal(c, truth)) {
      const spec = { table: name.toLowerCase(), namespace: HDX_PROJECT };
      const { warnings } = await h.hdx.createTable(spec, schema);
      await h.hdx.writeData(spec, schema, rows);
      if (!keyOrderWarned(warnings, stringKey && c.collation !== 'utf8mb4_bin')) dests.push(['Hydrolix', h.hdx, spec]);
    }
    for (const range of ranges) {
      const want = await sourceRange(h, name, schema, range);
      for (const [label, dest, spec] of dests) {
        const got = await dest.landedRows(spec, schema, range);
        compared++;
        expect({ rows: got.rows, lastKey: asText(got.lastKey) }, `${label} landedRows(${JSON.stringify(range)})`).toEqual({
          rows: want.rows,
          lastKey: asText(want.lastKey),
        });
      }
    }
  } finally {
    await h.maria.query(`DROP TABLE IF EXISTS ${q(name)}`);
    await h.pg.query(`DROP TABLE IF EXISTS ${PG_SCHEMA}."${name}"`);
  }
  return compared;
}
