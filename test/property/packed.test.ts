/**
 * Generated checks of the two packed-text halves on their own:
 * - source: readText yields the same values, batch bounds and cursors as readData, for generated
 *   tables, key ranges and page sizes (both compared as COPY text, as read-text.test.ts does);
 * - PostgreSQL: a packed batch written as COPY BINARY (binary-copy.ts) lands exactly what the same
 *   batch lands as COPY text, and a batch PostgreSQL rejects as text is never accepted as binary.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeFraction } from '../../connectors/packed-forms';
import { packRows, toCopyText } from '../../connectors/packed-rows';
import * as binaryCopy from '../../connectors/postgres/binary-copy';
import { mapNativeType } from '../../connectors/singlestore/type-map';
import { copyIn } from '../../connectors/postgres/write';
import type { Column, KeyTuple, Row } from '../../connectors/types';
import { TEST_PG_URL } from '../support/postgres';
import { openHarness, sourceBothWays, type Harness } from './harness';
import { createAndFill, q } from './mariadb-table';
import { params, timeout } from './settings';
import { ddlType, tableCase, valueOf, type SqlType } from './table-arb';

let h: Harness;
let pool: pg.Pool;
beforeAll(async () => {
  h = await openHarness();
  pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 2, options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c extra_float_digits=3' });
});
afterAll(async () => {
  await pool?.end();
  await h?.close();
});

let seq = 0;
const unique = (p: string) => `${p}_${process.pid}_${(seq++).toString(36)}`;

const SOURCE_RUNS = 30;
const NOT_TEXT: Array<SqlType['t']> = ['binary', 'varbinary', 'blob', 'bit'];

describe('packed text ⇄ rows at the source', () => {
  it(
    'readText yields readData\'s values, batch bounds and cursors for any table, range and page size',
    async () => {
      let compared = 0;
      // Mostly text-able tables; the rest check that readText is either offered and exact, or not offered.
      const table = fc.oneof({ arbitrary: tableCase({ exclude: NOT_TEXT }), weight: 3 }, { arbitrary: tableCase(), weight: 1 });
      const cut = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });
      await fc.assert(
        fc.asyncProperty(table, fc.integer({ min: 1, max: 6 }), cut, cut, async (c, batchRows, a, b) => {
          const name = unique('propt');
          try {
            await createAndFill(h.maria, name, c);
            const schema = await h.src.getSchema({ table: name });
            if (!(await h.src.canReadText({ table: name }, schema))) return;
            // Every key, in source order, to cut a range from.
            const keys: KeyTuple[] = [];
            try {
              for await (const batch of h.src.readText({ table: name }, schema, { after: null, upTo: null }, { batchRows: 1 })) keys.push(batch.lastKey);
            } catch {
              // A NOT NULL zero date: both ways must refuse (checked below on the whole range).
            }
            const pick = (x: number | null) => (x === null || keys.length === 0 ? null : keys[Math.min(keys.length - 1, Math.floor(x * keys.length))]);
            let [after, upTo] = [pick(a), pick(b)];
            if (after && upTo && keys.indexOf(after) > keys.indexOf(upTo)) [after, upTo] = [upTo, after];
            const range = { after, upTo };
            const outcome = async () => {
              try {
                return await sourceBothWays(h, name, schema, range, batchRows);
              } catch (e) {
                return { error: (e as Error).message };
              }
            };
            const got = await outcome();
            if ('error' in got) {
              // Only a zero date in a NOT NULL column may stop the read, and then on both paths.
              expect(got.error).toMatch(/zero date/);
              let rowsFailed = false;
              try {
                for await (const _ of h.src.readData({ table: name }, schema, range, { batchRows })) void _;
              } catch {
                rowsFailed = true;
              }
              expect(rowsFailed).toBe(true);
              return;
            }
            compared++;
            expect(got.text).toEqual(got.rows);
          } finally {
            await h.maria.query(`DROP TABLE IF EXISTS ${q(name)}`);
          }
        }),
        params(SOURCE_RUNS),
      );
      console.log(`packed ⇄ rows: ${compared} cases compared`);
      expect(compared).toBeGreaterThan(0);
    },
    timeout(SOURCE_RUNS, 400),
  );
});

/** The source column a generated MariaDB type describes (the source connector's own mapping). */
function sourceColumn(name: string, t: SqlType): Column {
  const columnType = ddlType(t);
  return { name, type: mapNativeType({ name, dataType: columnType.split(/[ (]/)[0], columnType, isJson: t.t === 'json' }), nullable: true, sourceType: columnType };
}

/**
 * The transcoder's plan for these columns, or null when one has no binary form: `binaryPlan`
 * where the connector has it (codecs chosen per source and destination column), else `codecOf`.
 */
type Plan = unknown;
function planFor(columns: Column[], pgTypes: string[]): Plan | null {
  const b = binaryCopy as unknown as {
    binaryPlan?: (c: Column[], stored: Map<string, string>) => Plan | null;
    codecOf: (t: string) => number | null;
  };
  if (b.binaryPlan) return b.binaryPlan(columns, new Map(columns.map((c, i) => [c.name, pgTypes[i]])));
  const codecs = pgTypes.map((t) => b.codecOf(t));
  return codecs.every((c) => c !== null) ? Uint8Array.from(codecs as number[]) : null;
}
const transcode = binaryCopy.packedToBinary as unknown as (payload: Buffer, rows: number, plan: Plan) => Buffer | null;

/** PostgreSQL column types (as createTable spells them) and MySQL values whose text they take (or should refuse). */
const PG_COLUMNS: Array<{ pg: fc.Arbitrary<string>; values: fc.Arbitrary<SqlType> }> = [
  { pg: fc.constantFrom('smallint', 'integer', 'bigint', 'numeric(20,0)'), values: fc.constantFrom<SqlType>({ t: 'int', name: 'tinyint', unsigned: true }, { t: 'int', name: 'smallint', unsigned: true }, { t: 'int', name: 'int', unsigned: true }, { t: 'int', name: 'bigint', unsigned: false }, { t: 'int', name: 'bigint', unsigned: true }) },
  {
    pg: fc.oneof(fc.constant('numeric'), fc.integer({ min: 1, max: 40 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => `numeric(${p},${s})`))),
    values: fc.integer({ min: 1, max: 65 }).chain((p) => fc.integer({ min: 0, max: Math.min(p, 30) }).map((s): SqlType => ({ t: 'decimal', p, s }))),
  },
  { pg: fc.constant('double precision'), values: fc.constant<SqlType>({ t: 'double' }) },
  { pg: fc.constant('real'), values: fc.constant<SqlType>({ t: 'float' }) },
  { pg: fc.constant('date'), values: fc.constant<SqlType>({ t: 'date' }) },
  {
    pg: fc.integer({ min: 0, max: 6 }).chain((n) => fc.constantFrom(`timestamp(${n}) without time zone`, `timestamp(${n}) with time zone`)),
    values: fc.integer({ min: 0, max: 6 }).map((fsp): SqlType => ({ t: 'datetime', fsp })),
  },
  { pg: fc.integer({ min: 0, max: 6 }).map((n) => `interval(${n})`), values: fc.integer({ min: 0, max: 6 }).map((fsp): SqlType => ({ t: 'time', fsp })) },
  { pg: fc.constant('boolean'), values: fc.constant<SqlType>({ t: 'bool' }) },
  { pg: fc.constantFrom('smallint', 'integer'), values: fc.constant<SqlType>({ t: 'year' }) },
  {
    pg: fc.oneof(fc.constantFrom('text', 'json', 'jsonb'), fc.integer({ min: 1, max: 12 }).chain((n) => fc.constantFrom(`character varying(${n})`, `character(${n})`))),
    values: fc.constantFrom<SqlType>({ t: 'varchar', n: 20 }, { t: 'json' }, { t: 'enum', values: ['a', "it's"] }),
  },
];

/** Spellings near the canonical ones, which the transcoder must either take exactly or give back. */
const respell = (v: string) =>
  fc.oneof({ arbitrary: fc.constant(v), weight: 80 }, { arbitrary: misspell(v), weight: 1 });
const misspell = (v: string) =>
  fc.constantFrom(` ${v}`, `+${v}`, `${v}.`, `0${v}`, `${v}e1`, v.replace(/^\d{4}/, '0000'), v.replace(/ /, 'T'), `${v}+02`, `${v}0`, '', 'NaN', '-');

/** A generated value as MariaDB prints it for its column: TIME/DATETIME with exactly fsp fraction digits. */
function asPrinted(t: SqlType, v: string): string {
  return t.t === 'time' || t.t === 'datetime' ? normalizeFraction(v, t.fsp) : v;
}

const pgColumn = fc.constantFrom(...PG_COLUMNS).chain(({ pg: type, values }) =>
  fc.tuple(type, values).map(([pgType, sqlType]) => ({ pgType, sqlType })),
);

const BINARY_RUNS = 60;

describe('COPY BINARY against COPY text', () => {
  it(
    'a packed batch lands the same through the transcoder as through COPY text, or the transcoder gives it back',
    async () => {
      let compared = 0;
      let refused = 0;
      const batch = fc.array(pgColumn, { minLength: 1, maxLength: 4 }).chain((cols) =>
        fc.array(
          fc.tuple(...cols.map((c) => fc.option(valueOf(c.sqlType).chain((v) => respell(asPrinted(c.sqlType, String(v)))), { nil: null, freq: 5 }))),
          { minLength: 1, maxLength: 6 },
        ).map((rows) => ({ cols, rows: rows as Array<Array<string | null>> })),
      );
      await fc.assert(
        fc.asyncProperty(batch, async ({ cols, rows }) => {
          const columns = [sourceColumn('k', { t: 'int', name: 'int', unsigned: false }), ...cols.map((c, i) => sourceColumn(`v${i}`, c.sqlType))];
          const plan = planFor(columns, ['integer', ...cols.map((c) => c.pgType)]);
          if (!plan) return;
          const packed = packRows(rows.map((r, i): Row => [String(i), ...r]), String);
          const binary = transcode(packed, rows.length, plan);
          if (!binary) return;
          const land = async (payload: Buffer, format: string) => {
            const name = unique('es_propbin');
            const client = await pool.connect();
            try {
              await client.query(`CREATE TEMP TABLE ${name} (k int, ${cols.map((c, i) => `v${i} ${c.pgType}`).join(', ')})`);
              await copyIn(client, `COPY ${name} FROM STDIN${format}`, payload);
              const res = await client.query({ text: `SELECT ${cols.map((_, i) => `v${i}::text`).join(', ')} FROM ${name} ORDER BY k`, rowMode: 'array' });
              return res.rows as Array<Array<string | null>>;
            } catch (e) {
              return `refused: ${(e as Error).message}`;
            } finally {
              await client.query(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
              client.release();
            }
          };
          const viaText = await land(toCopyText(packed, cols.length + 1, Array(cols.length + 1).fill(true)), '');
          const viaBinary = await land(binary, ' (FORMAT binary)');
          if (typeof viaText === 'string') {
            // PostgreSQL rejects the text: the binary batch must be rejected too, never land something.
            expect(typeof viaBinary, `text ${viaText}; binary landed ${JSON.stringify(viaBinary)}`).toBe('string');
            refused++;
            return;
          }
          compared++;
          expect(viaBinary).toEqual(viaText);
        }),
        params(BINARY_RUNS),
      );
      console.log(`COPY BINARY vs text: ${compared} batches compared, ${refused} refused by both`);
      expect(compared).toBeGreaterThan(0);
    },
    timeout(BINARY_RUNS, 200),
  );
});
