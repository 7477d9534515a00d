/**
 * One generated case end to end, with the real connector code and no Temporal: the table goes into
 * MariaDB, the source reads it both ways (readData rows, readText packed text), and each path is
 * written into PostgreSQL (createTable, writeData / writeText, finishTable) and the Hydrolix
 * emulator (createTable, writeData; writeText too if the connector offers it). Every value that
 * lands is compared with what MariaDB holds (expected.ts). A mismatch throws, naming the
 * destination, path, column, key and both values, so fast-check can shrink it.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import pg from 'pg';
import { startHydrolixEmulator, type EmulatorHandle } from '../hydrolix-emulator';
import { HydrolixDestination } from '../../connectors/hydrolix/destination';
import { hydrolixNames } from '../../connectors/hydrolix/type-map';
import { settingsFor } from '../../connectors/hydrolix/test-helpers';
import { PostgresDestination } from '../../connectors/postgres';
import { SingleStoreSource } from '../../connectors/singlestore';
import { unpackRows } from '../../connectors/packed-forms';
import { PermanentError, type DestinationConnector, type KeyRange, type KeyTuple, type Row, type TableSchema, type TextBatch, type Value } from '../../connectors/types';
import { MARIADB_URL } from '../support/mariadb';
import { TEST_PG_URL } from '../support/postgres';
import {
  hdxActual, hdxExpected, hdxRefusal, pgActual, pgExpected, pgRefusal, sourceRefusal,
  type Accept, type Cell,
} from './expected';
export { sourceRefusal };
import { createAndFill, q, readTruth } from './mariadb-table';
import type { ColDef, TableCase } from './table-arb';

export const PG_SCHEMA = 'es_property';
export const HDX_PROJECT = 'es_property';
const USER = { username: 'admin@example.com', password: 'hunter2-SECRET' };

export interface Harness {
  maria: Connection;
  pg: pg.Client;
  src: SingleStoreSource;
  pgDest: PostgresDestination;
  emu: EmulatorHandle;
  hdx: HydrolixDestination;
  sourceWarnings: string[];
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const maria = await createConnection({ uri: MARIADB_URL, charset: 'utf8mb4' });
  await maria.query("SET time_zone = '+00:00'");
  const client = new pg.Client({ connectionString: TEST_PG_URL, options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c extra_float_digits=3 -c IntervalStyle=postgres' });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${PG_SCHEMA}`);
  const sourceWarnings: string[] = [];
  const src = SingleStoreSource.fromEnv({ SINGLESTORE_URL: MARIADB_URL }, undefined, { warn: (m) => sourceWarnings.push(m) });
  const pgDest = PostgresDestination.fromEnv({ POSTGRES_URL: TEST_PG_URL });
  const emu = await startHydrolixEmulator({ users: [USER] });
  const hdx = new HydrolixDestination(settingsFor(emu.url, USER));
  return {
    maria, pg: client, src, pgDest, emu, hdx, sourceWarnings,
    async close() {
      await src.disconnect();
      await pgDest.disconnect();
      await hdx.disconnect();
      await emu.close();
      await client.end();
      await maria.end();
    },
  };
}

/** What the cases exercised, so a run that only ever hit refusals cannot pass unnoticed. */
export const stats: Record<string, number> = {};
export const count = (what: string) => { stats[what] = (stats[what] ?? 0) + 1; };

let seq = 0;
export const tag = () => `prop_${process.pid}_${(seq++).toString(36)}_${Math.random().toString(36).slice(2, 6)}`;

export interface CaseOptions {
  batchRows: number;
  /** Split the table into chunks of about this many rows with the source's planBoundaries, read one by one (default: one range). */
  chunkRows?: number;
  /** PostgreSQL destination option boolean_as (default boolean). */
  booleanAs?: 'boolean' | 'smallint';
  /** PostgreSQL write_mode (default append). Upsert writes every batch twice: re-sent rows must overwrite, not duplicate. */
  writeMode?: 'append' | 'upsert';
  /** Destinations to copy into (default both). */
  destinations?: Array<'postgres' | 'hydrolix'>;
}

type Read = { ok: true; batches: Row[][] } | { ok: false; error: unknown };
type ReadText = { ok: true; batches: TextBatch[] } | { ok: false; error: unknown };

async function collect<T>(it: AsyncIterable<T>, copy: (b: T) => T): Promise<{ ok: true; batches: T[] } | { ok: false; error: unknown }> {
  const batches: T[] = [];
  try {
    for await (const b of it) batches.push(copy(b));
    return { ok: true, batches };
  } catch (error) {
    return { ok: false, error };
  }
}

const copyText = (b: TextBatch): TextBatch => ({ rows: b.rows, lastKey: b.lastKey, payload: Buffer.from(b.payload), epochSeconds: b.epochSeconds });

const show = (v: unknown) => (typeof v === 'string' && v.length > 60 ? `${JSON.stringify(v.slice(0, 60))}…(${v.length})` : JSON.stringify(v));

/**
 * Source rows (expected accept-lists) against destination rows (comparison form), matched by key.
 * Returns readable problems; empty when the destination holds exactly the source.
 */
export function compareRows(
  label: string,
  c: TableCase,
  expected: Accept[][],
  actual: Cell[][],
): string[] {
  const keyIdx = c.key.map((k) => c.columns.findIndex((col) => col.name === k));
  const byKey = new Map(expected.map((row) => [JSON.stringify(keyIdx.map((i) => row[i][0])), row]));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const row of actual) {
    const k = JSON.stringify(keyIdx.map((i) => row[i]));
    const want = byKey.get(k);
    if (!want) problems.push(`${label}: row with key ${k} is not in the source`);
    else if (seen.has(k)) problems.push(`${label}: key ${k} landed twice`);
    else {
      seen.add(k);
      c.columns.forEach((col, i) => {
        if (!want[i].includes(row[i])) problems.push(`${label}: key ${k} column ${col.name} (${col.type.t}) holds ${show(row[i])}, source ${show(want[i][0])}`);
        else if (row[i] !== want[i][0]) count(`${label}: documented change (${show(want[i][0])} → ${show(row[i])}, warned)`);
      });
    }
  }
  for (const k of byKey.keys()) if (!seen.has(k)) problems.push(`${label}: source row with key ${k} is missing`);
  return problems;
}

/** PostgreSQL's own jsonb rendering of each JSON text (what a jsonb column must hold). */
async function pgJsonOf(client: pg.Client, c: TableCase, truth: Cell[][]): Promise<Map<string, string>> {
  const texts = new Set<string>();
  c.columns.forEach((col, i) => {
    if (col.type.t === 'json') for (const r of truth) if (r[i] !== null) texts.add(r[i]!);
  });
  const out = new Map<string, string>();
  for (const t of texts) {
    try {
      out.set(t, (await client.query('SELECT $1::jsonb::text AS j', [t])).rows[0].j);
    } catch (e) {
      out.set(t, `<PostgreSQL cannot hold this JSON: ${(e as Error).message}>`);
    }
  }
  return out;
}

async function readPostgres(client: pg.Client, table: string, c: TableCase, namespace = PG_SCHEMA): Promise<Cell[][]> {
  const exprs = c.columns.map((col) => {
    const x = `"${col.name.replace(/"/g, '""')}"`;
    return ['binary', 'varbinary', 'blob'].includes(col.type.t) ? `encode(${x}, 'hex')` : `${x}::text`;
  });
  const res = await client.query({ text: `SELECT ${exprs.join(', ')} FROM "${namespace}"."${table}"`, rowMode: 'array' });
  return (res.rows as Cell[][]).map((r) => r.map((v, i) => pgActual(c.columns[i], v)));
}

function readHydrolix(emu: EmulatorHandle, table: string, c: TableCase, schema: TableSchema, project = HDX_PROJECT): Cell[][] {
  const { names } = hydrolixNames(schema);
  const byCol = c.columns.map((col) => names[schema.columns.findIndex((s) => s.name === col.name)]);
  return emu.state.rows(project, table).rows.map((r) => c.columns.map((col, i) => hdxActual(col, r[byCol[i]])));
}

/** What PostgreSQL must hold for a case: a refusal reason, or rows to compare with a table. */
export async function postgresVerdict(client: pg.Client, c: TableCase, truth: Cell[][], booleanAs: 'boolean' | 'smallint' = 'boolean') {
  const json = await pgJsonOf(client, c, truth);
  const jsonOf = (s: string) => json.get(s)!;
  const expected = truth.map((r) => r.map((v, i) => pgExpected(c.columns[i], v, jsonOf)));
  return {
    refuses: pgRefusal(c, truth, jsonOf, booleanAs),
    compare: async (label: string, table: string, namespace = PG_SCHEMA) => compareRows(label, c, expected, await readPostgres(client, table, c, namespace)),
  };
}

/** What Hydrolix must hold for a case: a refusal reason, or rows to compare with a table (given createTable's warnings). */
export function hydrolixVerdict(c: TableCase, truth: Cell[][]) {
  return {
    refuses: hdxRefusal(c, truth),
    compare: (label: string, emu: EmulatorHandle, table: string, schema: TableSchema, warnings: string[], project = HDX_PROJECT) =>
      compareRows(label, c, truth.map((r) => r.map((v, i) => hdxExpected(c.columns[i], v, warnings))), readHydrolix(emu, table, c, schema, project)),
  };
}

/** The whole key space as one range, or the chunks the source plans for `chunkRows` (as planChunks does). */
async function chunkRanges(h: Harness, spec: { table: string }, schema: TableSchema, chunkRows?: number): Promise<KeyRange[]> {
  if (!chunkRows) return [{ after: null, upTo: null }];
  const total = await h.src.countRows(spec, schema);
  const bounds = await h.src.planBoundaries(spec, schema, chunkRows, total);
  return [...bounds, null].map((upTo, i) => ({ after: i === 0 ? null : bounds[i - 1], upTo }));
}

async function* eachRange<T>(ranges: KeyRange[], read: (r: KeyRange) => AsyncIterable<T>): AsyncIterable<T> {
  for (const r of ranges) yield* read(r);
}

/** Writes every batch; returns the error if one was thrown. */
async function writeAll(write: () => Promise<void>): Promise<unknown> {
  try {
    await write();
    return null;
  } catch (e) {
    return e;
  }
}

function expectRefusal(label: string, reason: string, err: unknown, problems: string[]): void {
  if (!err) problems.push(`${label}: expected a refusal (${reason}) but the write succeeded`);
  else if (!(err instanceof PermanentError)) problems.push(`${label}: refused (${reason}) with a retryable error: ${(err as Error).message}`);
}

/** Runs one case; throws with every problem found. Always drops what it created. */
export async function checkCase(h: Harness, c: TableCase, opts: CaseOptions): Promise<void> {
  const name = tag();
  const pgTables: string[] = [];
  const problems: string[] = [];
  try {
    await createAndFill(h.maria, name, c);
    const truth = await readTruth(h.maria, name, c);
    const spec = { table: name };
    const schema = await h.src.getSchema(spec);
    // Planning reads keys too: a refused value may stop it, as it stops the reads.
    const ranges = await chunkRanges(h, spec, schema, opts.chunkRows).catch((e: unknown) => e);
    const planned = Array.isArray(ranges) ? ranges : [{ after: null, upTo: null }];
    const rows: Read = Array.isArray(ranges)
      ? await collect(eachRange(planned, (r) => h.src.readData(spec, schema, r, { batchRows: opts.batchRows })), (b) => b)
      : { ok: false, error: ranges };
    const textOffered = await h.src.canReadText(spec, schema);
    const text: ReadText | null = textOffered
      ? await collect(eachRange(planned, (r) => h.src.readText(spec, schema, r, { batchRows: opts.batchRows })), copyText)
      : null;

    const srcRefuses = sourceRefusal(c, truth);
    count(`cases`);
    if (srcRefuses) {
      count('source refused (NOT NULL zero date)');
      expectRefusal('source readData', srcRefuses, rows.ok ? null : rows.error, problems);
      if (text) expectRefusal('source readText', srcRefuses, text.ok ? null : text.error, problems);
      if (problems.length) throw new Error(problems.join('\n'));
      return;
    }
    if (!rows.ok) throw new Error(`source readData failed: ${(rows.error as Error).stack}`);
    if (text && !text.ok) throw new Error(`source readText failed: ${(text.error as Error).stack}`);
    if (text?.ok) {
      const n = (bs: Array<{ length?: number; rows?: number }>) => bs.map((b) => b.rows ?? b.length);
      if (JSON.stringify(n(text.batches)) !== JSON.stringify(n(rows.batches))) {
        problems.push(`readText batch sizes ${JSON.stringify(n(text.batches))} differ from readData's ${JSON.stringify(n(rows.batches))}`);
      }
    }

    const dests = opts.destinations ?? ['postgres', 'hydrolix'];
    const pgOptions = { boolean_as: opts.booleanAs ?? 'boolean', write_mode: opts.writeMode ?? 'append' };
    const destSpec = (d: DestinationConnector, table: string) =>
      d === h.hdx ? { table, namespace: HDX_PROJECT } : { table, namespace: PG_SCHEMA, options: pgOptions };
    const paths: Array<['rows' | 'text', (d: DestinationConnector, t: string) => Promise<void>]> = [
      ['rows', async (d, t) => { for (const b of rows.batches) await d.writeData(destSpec(d, t), schema, b); }],
    ];
    if (text?.ok) {
      paths.push(['text', async (d, t) => { for (const b of text.batches) await d.writeText!(destSpec(d, t), schema, b); }]);
    }

    if (dests.includes('postgres')) {
      const verdict = await postgresVerdict(h.pg, c, truth, opts.booleanAs);
      const refuses = verdict.refuses;
      for (const [path, write] of paths) {
        const table = `${name}_${path}`;
        pgTables.push(table);
        const dspec = { table, namespace: PG_SCHEMA, options: pgOptions };
        await h.pgDest.createTable(dspec, schema);
        if (path === 'text' && !(await h.pgDest.acceptsText(dspec, schema))) continue;
        const label = `PostgreSQL via ${path}`;
        const err = await writeAll(async () => {
          await write(h.pgDest, table);
          if (opts.writeMode === 'upsert') await write(h.pgDest, table);
          await h.pgDest.finishTable(dspec, schema);
        });
        if (refuses) { count(`${label}: refused`); expectRefusal(label, refuses, err, problems); continue; }
        if (err) { problems.push(`${label}: write failed: ${(err as Error).message}`); continue; }
        count(`${label}: compared`);
        problems.push(...(await verdict.compare(label, table)));
      }
    }

    if (dests.includes('hydrolix')) {
      const verdict = hydrolixVerdict(c, truth);
      const refuses = verdict.refuses;
      for (const [path, write] of paths) {
        const table = `${name}_${path}`.toLowerCase();
        const dspec = { table, namespace: HDX_PROJECT };
        const created = await h.hdx.createTable(dspec, schema);
        // The text path into Hydrolix, once the connector offers one.
        const hdx: DestinationConnector = h.hdx;
        if (path === 'text' && !(hdx.writeText && (await hdx.acceptsText?.(dspec, schema)))) continue;
        const label = `Hydrolix via ${path}`;
        const err = await writeAll(() => write(h.hdx, table));
        if (refuses) { count(`${label}: refused`); expectRefusal(label, refuses, err, problems); continue; }
        if (err) { problems.push(`${label}: write failed: ${(err as Error).message}`); continue; }
        count(`${label}: compared`);
        problems.push(...verdict.compare(label, h.emu, table, schema, created.warnings));
      }
    }
    if (problems.length) throw new Error(problems.join('\n'));
  } finally {
    await h.maria.query(`DROP TABLE IF EXISTS ${q(name)}`);
    for (const t of pgTables) await h.pg.query(`DROP TABLE IF EXISTS ${PG_SCHEMA}."${t}"`);
  }
}

/**
 * Every batch of a range both ways, as canonical values: packed batches decoded by the contract's
 * own reader (packed-forms.ts unpackRows), bytes as hex, floats as JS prints them (the packed
 * form of a float may be any spelling of the same double).
 */
export async function sourceBothWays(h: Harness, table: string, schema: TableSchema, range: KeyRange, batchRows: number) {
  const spec = { table };
  const floats = schema.columns.map((c) => c.type.kind === 'float');
  const cell = (v: Value, i: number) =>
    v === null ? null : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : floats[i] ? String(Number(v)) : String(v);
  const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
  const text: Array<{ rows: number; lastKey: KeyTuple; values: Array<Array<string | null>> }> = [];
  for await (const b of h.src.readText(spec, schema, range, { batchRows })) {
    const values = unpackRows(b.payload, b.rows, schema.columns, b.epochSeconds).map((r) => r.map(cell));
    text.push({ rows: b.rows, lastKey: b.lastKey, values });
  }
  const rows: typeof text = [];
  for await (const b of h.src.readData(spec, schema, range, { batchRows })) {
    const last = b[b.length - 1];
    // Key tuples travel JSON-safe: bytes as hex (toKeyValue).
    const lastKey = keyIdx.map((i) => { const v = last[i]; return v instanceof Uint8Array ? Buffer.from(v).toString('hex') : (v as string | number); });
    rows.push({ rows: b.length, lastKey, values: b.map((r) => r.map(cell)) });
  }
  return { text, rows };
}

export type { ColDef };
