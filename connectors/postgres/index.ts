import type pg from 'pg';
import type { ConnectorFactories } from '../registry';
import { postgresDefinition } from './definition';
import type { Env } from '../env';
import {
  PermanentError,
  type Catalog,
  type ConnectionInfo,
  type CreateTableResult,
  type DestinationConnector,
  type DestinationSpec,
  type FinishedTable,
  type CursorWindow,
  type KeyRange,
  type KeyTuple,
  type KeyValue,
  type KeyWalk,
  type LandedRows,
  type ReadOptions,
  type Row,
  type SourceConnector,
  type SourceSpec,
  type TablePreview,
  type TableSchema,
  type Tally,
  type TextBatch,
} from '../types';
import { readConfig, type PostgresConfig } from './config';
import { encodeRows, isCanonical, makeEncoders, mayNeedEscapes } from './copy-encode';
import { binaryPlan, binarySizeBound, codecFor, packedToBinary, type BinaryPlan } from './binary-copy';
import { unpackRows } from '../packed-forms';
import { toCopyText } from '../packed-rows';
import { adoptExistingTable, buildPendingKey, createDestinationTable, createdByUs } from './deferred-key';
import { dropStaging, stagingTable, swapIn } from './replace';
import { diffTable, previewTable, wantedColumns } from './ddl';
import { openPool, readOnlyDb, sanitizeError } from './pool';
import { DEFAULT_SOURCE_TIMEOUTS } from '../source-timeouts';
import * as reader from './read';
import { listCatalogTables } from './catalog';
import { describeSource, findRelation, listTables, relationColumns, resolveSourceTable, uniqueIndexes, type Db } from './schema';
import { mapErrors } from '../map-errors';
import { singleIntegerKey } from '../plan';
import { qualify, quoteIdent, windowedRef } from './sql';
import { postgresTyping, type DestinationTypeOptions } from './type-map';
import { landedRows, writeBatch, type CopyFormat, type WriteMode } from './write';

/** Pool plumbing shared by source and destination: lazy pool, server identity, password-free errors. */
abstract class PostgresConnection {
  private pool?: pg.Pool;
  constructor(readonly config: PostgresConfig, private readonly readOnly: boolean) {}

  async connect(): Promise<void> {
    await this.testConnection();
  }

  async disconnect(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async testConnection(): Promise<ConnectionInfo> {
    return this.run(async (db) => {
      const v = String((await db.query('SHOW server_version')).rows[0].server_version);
      return { server: `PostgreSQL ${/^[\d.]+/.exec(v)?.[0] ?? v}` };
    }, 'cannot connect to PostgreSQL');
  }

  protected get db(): pg.Pool {
    this.pool ??= openPool(this.config, this.readOnly);
    return this.pool;
  }

  protected error(e: unknown, context?: string): Error {
    return sanitizeError(e, this.config.password, context);
  }

  /** Sources read through read-only sessions (see readOnlyDb); `long` = page reads, counts, planning. */
  protected session(long = false): Db {
    if (!this.readOnly) return this.db;
    const t = this.config.timeouts ?? DEFAULT_SOURCE_TIMEOUTS;
    return readOnlyDb(this.db, long ? t.statementMs : t.probeMs);
  }

  protected async run<T>(fn: (db: Db) => Promise<T>, context?: string, long = false): Promise<T> {
    try {
      return await fn(this.session(long));
    } catch (e) {
      throw this.error(e, context);
    }
  }
}

export class PostgresSource extends PostgresConnection implements SourceConnector {
  readonly type = 'POSTGRES';

  constructor(config: PostgresConfig) {
    // Read-only sessions: a query source cannot write, even through a function.
    super(config, true);
  }

  static fromEnv(env: Env, connection?: string): PostgresSource {
    return new PostgresSource(readConfig(env, connection));
  }

  private async from(db: Db, spec: SourceSpec, schema: TableSchema): Promise<reader.From> {
    if (spec.query !== undefined) return windowedRef(spec, schema.columns);
    if (!spec.table) throw new PermanentError('source_config needs a table or a query');
    const rel = await resolveSourceTable(db, spec.table);
    return windowedRef(spec, schema.columns, qualify(rel.namespace, rel.name));
  }

  async getTables(): Promise<string[]> {
    return this.run((db) => listTables(db));
  }

  readonly catalog: Catalog = {
    listTables: (opts) => this.run((db) => listCatalogTables(db, opts)),
  };

  async getSchema(spec: SourceSpec): Promise<TableSchema> {
    return this.run(async (db) => (await describeSource(db, spec)).schema);
  }

  async countRows(spec: SourceSpec, schema: TableSchema, range?: KeyRange): Promise<number> {
    return this.run(async (db) => reader.countRows(db, await this.from(db, spec, schema), schema, range), undefined, true);
  }

  async planBoundaries(spec: SourceSpec, schema: TableSchema, chunkRows: number, rowsTotal?: number): Promise<KeyTuple[]> {
    return this.run(async (db) => reader.planBoundaries(db, await this.from(db, spec, schema), schema, chunkRows, rowsTotal), undefined, true);
  }

  async walkKeys(spec: SourceSpec, schema: TableSchema, every: number, maxChunks: number): Promise<KeyWalk> {
    return this.run(async (db) => reader.walkKeys(db, await this.from(db, spec, schema), schema, every, maxChunks), undefined, true);
  }

  async estimateRows(spec: SourceSpec, schema: TableSchema): Promise<number | null> {
    return this.run(async (db) => reader.estimateRows(db, await this.from(db, spec, schema)));
  }

  async maxValue(spec: SourceSpec, schema: TableSchema, column: string): Promise<KeyValue | null> {
    return this.run(async (db) => reader.maxValue(db, await this.from(db, spec, schema), schema, column), undefined, true);
  }

  async *readData(spec: SourceSpec, schema: TableSchema, range: KeyRange, opts: ReadOptions): AsyncIterable<Row[]> {
    const from = await this.run((db) => this.from(db, spec, schema));
    yield* mapErrors(reader.readData(this.session(true), from, schema, range, opts), (e) => this.error(e));
  }
}

export interface DestinationOptions extends DestinationTypeOptions {
  writeMode: WriteMode | 'replace';
  /** replace/upsert may write into a table Epic Shelter did not create. */
  overwriteExisting: boolean;
}

/**
 * `spec.options`: write_mode = append (default) | upsert | replace (createTable empties an existing
 * table, then rows are appended); boolean_as = boolean (default) | smallint; overwrite_existing =
 * false (default: replace/upsert refuse a table Epic Shelter did not create) | true.
 */
export function destinationOptions(spec: DestinationSpec): DestinationOptions {
  const o = spec.options ?? {};
  const pick = <T extends string>(name: string, allowed: readonly T[]): T => {
    const v = String(o[name] ?? allowed[0]);
    if (!allowed.includes(v as T)) throw new PermanentError(`destination options.${name} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
  return {
    writeMode: pick('write_mode', ['append', 'upsert', 'replace'] as const),
    booleanAs: pick('boolean_as', ['boolean', 'smallint'] as const),
    overwriteExisting: pick('overwrite_existing', ['false', 'true'] as const) === 'true',
  };
}

interface Target {
  qualified: string;
  /** Destination column → format_type() spelling. */
  storedTypes: Map<string, string>;
  encoders: ReturnType<typeof makeEncoders>;
  /** COPY BINARY plans by the batches' `epochSeconds` (joined); null when some column has no binary form. */
  plans: Map<string, BinaryPlan | null>;
  /**
   * Packed rows are COPY text once escaped: every field is its canonical text and lands as
   * spelled (no boolean, bytea or bit column). Batches with epoch seconds are not.
   */
  plain: boolean;
  /** Per column: whether its text may hold bytes COPY text must escape. */
  escape: boolean[];
  mode: WriteMode;
}

/** The binary plan for a batch's packed forms, made once per target and form. */
function planFor(t: Target, schema: TableSchema, epochSeconds: number[] = []): BinaryPlan | null {
  const key = epochSeconds.join(',');
  let plan = t.plans.get(key);
  if (plan === undefined) {
    plan = binaryPlan(schema.columns, t.storedTypes, epochSeconds);
    t.plans.set(key, plan);
  }
  return plan;
}

export class PostgresDestination extends PostgresConnection implements DestinationConnector {
  readonly type = 'POSTGRES';
  readonly typing = postgresTyping(destinationOptions);
  private readonly targets = new Map<string, Target>();
  /** COPY BINARY output buffers free for reuse (one per concurrent write at most). */
  private readonly scratch: Buffer[] = [];

  constructor(config: PostgresConfig) {
    super(config, false);
  }

  static fromEnv(env: Env, connection?: string): PostgresDestination {
    return new PostgresDestination(readConfig(env, connection));
  }

  private names(spec: DestinationSpec): { namespace: string; table: string; qualified: string } {
    const namespace = spec.namespace || 'public';
    if (!spec.table) throw new PermanentError('destination table is required');
    return { namespace, table: spec.table, qualified: qualify(namespace, spec.table) };
  }

  /** The table rows go to and are counted in: a replace run's staging table until it is swapped in. */
  private async loading(db: Db, spec: DestinationSpec): Promise<{ namespace: string; table: string; qualified: string }> {
    const n = this.names(spec);
    const staging = stagingTable(spec);
    if (!staging || !(await findRelation(db, n.namespace, staging))) return n;
    return { namespace: n.namespace, table: staging, qualified: qualify(n.namespace, staging) };
  }

  /** replace: a fresh staging table (a retry of this step starts it over; nothing has been copied yet). */
  private async createStaging(db: Db, spec: DestinationSpec, schema: TableSchema, staging: string): Promise<CreateTableResult> {
    const { namespace, table } = this.names(spec);
    const opts = destinationOptions(spec);
    const { columns, warnings } = wantedColumns(schema, opts);
    const label = `${namespace}.${table}`;
    const rel = await findRelation(db, namespace, table);
    if (rel && !opts.overwriteExisting && !(await createdByUs(db, rel.oid))) {
      throw new PermanentError(
        `existing table ${label} was not created by Epic Shelter: write_mode replace would replace it. ` +
          'Set destination_config.overwrite_existing to true to allow that, or migrate into a new table',
        'TABLE_NOT_OURS',
      );
    }
    await dropStaging(this.db, namespace, staging);
    await createDestinationTable(this.db, namespace, staging, columns, schema.key, 'replace');
    if (rel) warnings.push(`write_mode replace: rows load into ${namespace}.${staging}, which replaces ${label} once the copy has finished`);
    this.targets.delete(label);
    return { target: label, created: true, warnings };
  }

  async createTable(spec: DestinationSpec, schema: TableSchema): Promise<CreateTableResult> {
    const { namespace, table, qualified } = this.names(spec);
    const opts = destinationOptions(spec);
    const { columns, warnings } = wantedColumns(schema, opts);
    const label = `${namespace}.${table}`;
    const staging = stagingTable(spec);
    return this.run(async (db) => {
      const ns = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [namespace]);
      // Only ask for CREATE privilege when the schema is really missing.
      if (ns.rowCount === 0) await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(namespace)}`);
      if (staging) {
        const res = await this.createStaging(db, spec, schema, staging);
        return { ...res, warnings: [...res.warnings, ...stringKeyWarnings(schema)] };
      }
      let rel = await findRelation(db, namespace, table);
      // append/replace create it without the primary key, built by finishTable after the load.
      const created = !rel && (await createDestinationTable(this.db, namespace, table, columns, schema.key, opts.writeMode));
      rel ??= (await findRelation(db, namespace, table))!;
      if (!created) {
        if (opts.writeMode !== 'append' && !opts.overwriteExisting && !(await createdByUs(db, rel.oid))) {
          throw new PermanentError(
            `existing table ${label} was not created by Epic Shelter: write_mode ${opts.writeMode} would ${opts.writeMode === 'replace' ? 'empty it' : 'overwrite its rows'}. ` +
              'Set destination_config.overwrite_existing to true to allow that, or migrate into a new table',
            'TABLE_NOT_OURS',
          );
        }
        const diffs = diffTable(columns, await relationColumns(db, rel.oid));
        if (diffs.length) throw new PermanentError(`existing table ${label} does not match the source: ${diffs.join('; ')}. Drop it or migrate into a new table`);
        // A key left pending by an earlier run is expected to be missing (upsert builds it now).
        const pending = await adoptExistingTable(this.db, namespace, table, rel.oid, schema.key, opts.writeMode);
        warnings.push(...pending.notes);
        const keyed =
          pending.pending ||
          (await uniqueIndexes(db, rel.oid)).some((ix) => ix.columns.length === schema.key.length && ix.columns.every((c) => schema.key.includes(c)));
        if (!keyed) {
          if (opts.writeMode === 'upsert') throw new PermanentError(`existing table ${label} has no primary key or unique index on (${schema.key.join(', ')}); upsert needs one`);
          warnings.push(`existing table ${label} has no unique index on (${schema.key.join(', ')}): duplicates are not rejected and resuming a chunk scans the table`);
        }
        // Setup runs once per migration, before any chunk writes.
        if (opts.writeMode === 'replace') {
          await db.query(`TRUNCATE ${qualified}`);
          warnings.push(`write_mode replace: emptied existing table ${label}`);
        }
      }
      warnings.push(...stringKeyWarnings(schema));
      this.targets.delete(label);
      return { target: label, created, warnings };
    });
  }

  /** createTable's decisions, read-only (the dry-run plan). */
  async previewTable(spec: DestinationSpec, schema: TableSchema): Promise<TablePreview> {
    const { namespace, table } = this.names(spec);
    const opts = destinationOptions(spec);
    return this.run((db) => previewTable(db, namespace, table, schema, { ...opts, staging: stagingTable(spec) }));
  }

  /**
   * Builds the primary key createTable deferred (append/replace into a new table); no-op when none
   * is pending. The tally, when asked for, is taken during the build (see buildPendingKey), else after it.
   */
  async finishTable(spec: DestinationSpec, schema: TableSchema, opts: { tally?: boolean } = {}): Promise<FinishedTable> {
    const final = this.names(spec);
    const { namespace, table } = await this.run((db) => this.loading(db, spec));
    const tally = opts.tally ? () => this.tally(spec, schema) : undefined;
    const built = await this.run(() => buildPendingKey(this.db, namespace, table, schema.key, { tally }));
    const notes = [...built.notes];
    // replace: the tally above counted the staging table, which is what the swap puts in place.
    if (table !== final.table && (await this.run(() => swapIn(this.db, namespace, table, final.table)))) {
      notes.push(`replaced ${final.namespace}.${final.table} with the rows of this run`);
      this.targets.delete(`${final.namespace}.${final.table}`);
    }
    return { notes, tally: built.tally ?? (tally ? await tally() : null) };
  }

  /** The table as createTable left it (maybe in another process): looked up and checked, never created. */
  private async target(db: Db, spec: DestinationSpec, schema: TableSchema): Promise<Target> {
    const final = this.names(spec);
    const opts = destinationOptions(spec);
    const key = `${final.namespace}.${final.table}`;
    const cached = this.targets.get(key);
    if (cached && cached.mode === (opts.writeMode === 'upsert' ? 'upsert' : 'append')) return cached;
    const { namespace, table, qualified } = await this.loading(db, spec);
    const rel = await findRelation(db, namespace, table);
    if (!rel) throw new PermanentError(`PostgreSQL table ${key} does not exist (createTable first)`);
    const existing = await relationColumns(db, rel.oid);
    const diffs = diffTable(wantedColumns(schema, opts).columns, existing).filter((d) => !/ is boolean, expected smallint| is smallint, expected boolean/.test(d));
    if (diffs.length) throw new PermanentError(`PostgreSQL table ${key} does not match the source: ${diffs.join('; ')}`);
    const storedTypes = new Map(existing.map((c) => [c.name, c.formatted]));
    // Booleans are encoded after what the table really holds, whatever boolean_as says now.
    const booleans = new Set(existing.filter((c) => c.formatted === 'boolean').map((c) => c.name));
    const mode = opts.writeMode === 'upsert' ? 'upsert' : 'append';
    const encoders = makeEncoders(schema.columns, booleans);
    const plain = isCanonical(encoders) && schema.columns.every((c) => c.type.kind !== 'bit');
    const t: Target = { qualified, storedTypes, encoders, plans: new Map(), plain, escape: schema.columns.map(mayNeedEscapes), mode };
    this.targets.set(key, t);
    return t;
  }

  async writeData(spec: DestinationSpec, schema: TableSchema, rows: Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    const t = await this.run((db) => this.target(db, spec, schema));
    await this.copy(t, schema, encodeRows(schema, t.encoders, rows));
    return rows.length;
  }

  /** Packed rows land without decoding: as COPY BINARY, or as COPY text when every field is plain text. */
  async acceptsText(spec: DestinationSpec, schema: TableSchema): Promise<boolean> {
    return (await this.textPathBlocker(spec, schema)) === null;
  }

  async textPathBlocker(spec: DestinationSpec, schema: TableSchema): Promise<string | null> {
    const t = await this.run((db) => this.target(db, spec, schema));
    if (t.plain || planFor(t, schema)) return null;
    const describe = (i: number) => {
      const c = schema.columns[i];
      return `column ${c.name} (${c.sourceType} → ${t.storedTypes.get(c.name) ?? '?'})`;
    };
    const noBinary = schema.columns.findIndex((c) => codecFor(c, t.storedTypes.get(c.name) ?? '', false) === null);
    const respelled = schema.columns.findIndex((c, i) => c.type.kind === 'bit' || !isCanonical([t.encoders[i]]));
    return `${describe(noBinary)}: no COPY BINARY form, and ${describe(respelled)} is not written as its text`;
  }

  async writeText(spec: DestinationSpec, schema: TableSchema, batch: TextBatch): Promise<number> {
    if (batch.rows === 0) return 0;
    const t = await this.run((db) => this.target(db, spec, schema));
    const packed = Buffer.from(batch.payload.buffer, batch.payload.byteOffset, batch.payload.byteLength);
    const epoch = batch.epochSeconds ?? [];
    // Binary when every value transcodes (PostgreSQL parses it in 2/3 of the time).
    const plan = planFor(t, schema, epoch);
    if (plan) {
      // Output buffers are reused once their COPY is acknowledged: a fresh megabyte per batch made
      // V8 collect on external memory every few batches.
      const scratch = this.scratch.pop() ?? Buffer.allocUnsafe(binarySizeBound(packed.length, batch.rows, schema.columns.length) * 2);
      const binary = packedToBinary(packed, batch.rows, plan, scratch);
      if (binary) {
        await this.copy(t, schema, binary, 'binary');
        if (binary.buffer === scratch.buffer) this.scratch.push(scratch);
        return batch.rows;
      }
      this.scratch.push(scratch);
    }
    if (t.plain && epoch.length === 0) {
      await this.copy(t, schema, toCopyText(packed, schema.columns.length, t.escape), 'text');
      return batch.rows;
    }
    // A value the transcoder does not take (a TINYINT(1) holding 2, a date PostgreSQL rejects) in a
    // batch COPY text cannot carry as it is: written, or rejected, exactly as the row path would.
    return this.writeData(spec, schema, unpackRows(packed, batch.rows, schema.columns, epoch));
  }

  private async copy(t: Target, schema: TableSchema, payload: Buffer, format: CopyFormat = 'text'): Promise<void> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.db.connect();
      await writeBatch(client, t.qualified, schema, payload, t.mode, format);
      client.release();
    } catch (e) {
      // A connection that failed mid-COPY is not reused.
      client?.release(e as Error);
      throw this.error(e, `write to ${t.qualified}`);
    }
  }

  async landedRows(spec: DestinationSpec, schema: TableSchema, range: KeyRange, window?: CursorWindow): Promise<LandedRows> {
    return this.run(async (db) => {
      const t = await this.target(db, spec, schema);
      return landedRows(db, t.qualified, schema, range, t.storedTypes, window);
    });
  }

  /** Total rows in the destination table, for verification. */
  async countRows(spec: DestinationSpec): Promise<number> {
    return this.run(async (db) => Number((await db.query(`SELECT count(*) AS n FROM ${(await this.loading(db, spec)).qualified}`)).rows[0].n));
  }

  /** Row count and the exact sum of a single integer key (as numeric), in one scan, for verification. */
  async tally(spec: DestinationSpec, schema: TableSchema): Promise<Tally> {
    const key = singleIntegerKey(reader.keyColumns(schema));
    const sum = key ? `COALESCE(sum(${quoteIdent(key.name)}::numeric), 0)::text` : 'NULL';
    return this.run(async (db) => {
      const r = (await db.query(`SELECT count(*) AS n, ${sum} AS s FROM ${(await this.loading(db, spec)).qualified}`)).rows[0];
      return { rows: Number(r.n), keySum: r.s === null ? null : String(r.s) };
    });
  }
}

function stringKeyWarnings(schema: TableSchema): string[] {
  return schema.key.some((k) => ['string', 'enum', 'set'].includes(schema.columns.find((c) => c.name === k)?.type.kind ?? ''))
    ? ['string key columns are compared in code-point order (COLLATE "C"), as MySQL _bin collations order them; a source ordering strings otherwise cannot resume chunks exactly']
    : [];
}

export const postgresConnector: ConnectorFactories = {
  type: postgresDefinition.type,
  createSource: (env: Env, connection?: string) => PostgresSource.fromEnv(env, connection),
  createDestination: (env: Env, connection?: string) => PostgresDestination.fromEnv(env, connection),
};

export { readConfig, type PostgresConfig } from './config';
export { escapeCopyText, encodeRows, makeEncoders } from './copy-encode';
export { pgTypeFor, portableTypeFor, typeCompatible } from './type-map';
export type { WriteMode } from './write';
