/**
 * The connector contract. Every system Epic Shelter talks to implements these
 * interfaces; workflows and activities only ever see them, never a concrete connector.
 *
 * This file must stay free of Node APIs: workflow code imports its types.
 */
import type { ColumnMapping } from './column-mapping';

/**
 * Portable column-type model. Each connector maps its native types to and from
 * this model, so type fidelity is explicit (and unit-testable) in one place.
 */
export type ColumnType =
  | { kind: 'int'; bits: 8 | 16 | 24 | 32 | 64; unsigned: boolean }
  /** MySQL TINYINT(1)/BOOL: stored as a small int; values other than 0/1 are legal at the source. */
  | { kind: 'boolean' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'float'; bits: 32 | 64 }
  | { kind: 'date' }
  /** `utc: true` for MySQL TIMESTAMP (an instant), false for DATETIME (a wall-clock value). */
  | { kind: 'datetime'; fsp: number; utc: boolean }
  | { kind: 'time'; fsp: number }
  | { kind: 'year' }
  | { kind: 'string'; maxLength?: number; fixedLength?: boolean }
  | { kind: 'enum'; values: string[] }
  | { kind: 'set'; values: string[] }
  | { kind: 'json' }
  | { kind: 'binary'; maxLength?: number; fixedLength?: boolean }
  | { kind: 'bit'; bits: number };

export type ColumnKind = ColumnType['kind'];

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** The source's own spelling of the type, e.g. `bigint(20) unsigned`, for messages and docs. */
  sourceType: string;
  /** Values come from an auto-increment sequence (matters for incremental cursors). */
  autoIncrement?: boolean;
  /** Character set of a text column as the source names it (e.g. `utf8mb4`), when known. */
  charset?: string;
}

export interface TableSchema {
  /** Source table name, or a label for a query source. */
  name: string;
  columns: Column[];
  /**
   * Columns of a unique, non-null ordering key (primary key, a unique key, or the
   * user's `order_by`). Reads page on it and chunks are ranges over it.
   */
  key: string[];
  keySource: 'primary' | 'unique' | 'user';
}

/**
 * Canonical in-memory values, the same for every connector:
 * - int up to 32 bits, float, year: number; int 64 bits and bit: decimal string (exact)
 * - boolean column: number (0/1 or whatever the source holds)
 * - decimal: string exactly as the source prints it
 * - date: 'YYYY-MM-DD'; datetime: 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC when `utc`); time: '[-]HHH:MM:SS[.ffffff]'
 * - string, enum, set: string; json: compact JSON text
 * - binary: Buffer (Uint8Array)
 * - NULL: null
 */
export type Value = string | number | Uint8Array | null;
/** One row, aligned with `TableSchema.columns`. */
export type Row = Value[];

/** A key tuple, aligned with `TableSchema.key`. Only JSON-safe scalars, since keys travel through Temporal. */
export type KeyValue = string | number;
export type KeyTuple = KeyValue[];

/**
 * A half-open key range: keys strictly greater than `after` and at most `upTo`.
 * `null` means unbounded on that side.
 */
export interface KeyRange {
  after: KeyTuple | null;
  upTo: KeyTuple | null;
}

/** What to read. Exactly one of table or query is the row set; table also names the object for schema lookups. */
export interface SourceSpec {
  /** Named connection on the worker (env var suffix); secrets never travel in specs. */
  connection?: string;
  table?: string;
  /** A single read-only SELECT; rows are read as a derived table. */
  query?: string;
  /** Explicit ordering key when the row set has no primary/unique key. */
  orderBy?: string[];
  /** Incremental window: only rows with `after` < column, `from` <= column and column <= `upTo` (null = unbounded). */
  window?: CursorWindow;
}

export interface CursorWindow {
  column: string;
  /** Exclusive lower bound (windows recorded before `from` existed use it). */
  after: KeyValue | null;
  /** Inclusive lower bound: an incremental run reads its previous mark's value again (workflows/incremental.ts). */
  from?: KeyValue | null;
  upTo: KeyValue | null;
}

export interface DestinationSpec {
  connection?: string;
  table: string;
  /** Destination namespace (Hydrolix project, PostgreSQL schema, ...). */
  namespace?: string;
  /** Destination-specific options (e.g. Hydrolix primary timestamp column). */
  options?: Record<string, string | number | boolean>;
  /** Per source column: rename, cast or skip (destination_config.columns, column-mapping.ts). */
  columns?: ColumnMapping;
}

export interface ConnectionInfo {
  /** Human-readable server identity, e.g. `MariaDB 10.11.19` or `SingleStore 8.1.0`. Never contains secrets. */
  server: string;
}

export interface DataConnector {
  readonly type: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  testConnection(): Promise<ConnectionInfo>;
}

/**
 * A batch of packed rows: each field is its value's packed form behind a length prefix, NULL as
 * one byte (packed-rows.ts, which is byte for byte MySQL's text-protocol row encoding). The packed
 * form is the canonical Value's text (see Value; a float may be any spelling of the same double),
 * except where the text protocol sends something else (packed-forms.ts converts both ways):
 * - binary: the bytes themselves;
 * - bit: the number's big-endian bytes, of which the last ⌈bits/8⌉ count (SingleStore sends 8);
 * - a datetime column listed in `epochSeconds`: seconds since 1970-01-01 UTC ('1577836800.5',
 *   SingleStore TIMESTAMP), which is the canonical value with its fraction cut to the column's fsp.
 * A source and a destination that both speak it skip per-value work.
 */
export interface TextBatch {
  rows: number;
  /** Key of the batch's last row, like a Row batch's last key. */
  lastKey: KeyTuple;
  payload: Uint8Array;
  /** Indexes of datetime columns whose fields are epoch seconds (see above). */
  epochSeconds?: number[];
  /** Called once the payload is written and no longer read: the source may reuse its memory. */
  release?: () => void;
}

export interface ReadOptions {
  /** Rows per page/batch yielded. */
  batchRows: number;
  signal?: AbortSignal;
}

/** A planning pass's result: the exact tally and the chunk boundaries, from one statement. */
export interface KeyWalk {
  tally: Tally;
  boundaries: KeyTuple[];
  /** Rows per chunk the boundaries are spaced by (the asked-for spacing, doubled while thinning). */
  every: number;
  stopped?: false;
}

/** A walk that stopped at its last boundary (a `limit` was given and more rows follow): boundaries, no tally. */
export interface StoppedWalk {
  stopped: true;
  boundaries: KeyTuple[];
  every: number;
}

/** One table a source lists in the catalog. */
export interface CatalogTable {
  name: string;
  /** Schema/database it lives in. */
  schema: string;
  /** From the source's statistics (may lag); null when it keeps none. */
  rowsEstimate: number | null;
}

/** Browsing a source (the catalog API): its tables with row estimates, bounded. */
export interface Catalog {
  listTables(opts: { schema?: string; search?: string; limit: number }): Promise<CatalogTable[]>;
}

export interface SourceConnector extends DataConnector {
  /** Table listing for the catalog (optional). */
  readonly catalog?: Catalog;
  getTables(): Promise<string[]>;
  /** Schema of the row set a spec describes, including its ordering key. */
  getSchema(spec: SourceSpec): Promise<TableSchema>;
  /** Exact number of rows in a range (whole set when range is omitted). */
  countRows(spec: SourceSpec, schema: TableSchema, range?: KeyRange): Promise<number>;
  /**
   * Chunk boundaries: successive key tuples such that each chunk holds about `chunkRows` rows.
   * The chunks are (null, b0], (b0, b1], ..., (bn, null). With `rowsTotal` (the row count just
   * taken), a dense single integer key may be split arithmetically instead of walked.
   */
  planBoundaries(spec: SourceSpec, schema: TableSchema, chunkRows: number, rowsTotal?: number): Promise<KeyTuple[]>;
  /** Row count and key checksum of the (windowed) row set, in one scan, for verification. */
  tally?(spec: SourceSpec, schema: TableSchema): Promise<Tally>;
  /**
   * One key-order pass (the copy's keyset order): the exact tally plus every `every`-th key as a
   * chunk boundary, spacing doubled while more than `maxChunks` chunks would result.
   */
  walkKeys?(spec: SourceSpec, schema: TableSchema, every: number, maxChunks: number): Promise<KeyWalk>;
  /** With `limit` (walkLimit): the statement stops one row past the last boundary, and a walk that stopped there has no tally. */
  walkKeys?(spec: SourceSpec, schema: TableSchema, every: number, maxChunks: number, limit: number | undefined): Promise<KeyWalk | StoppedWalk>;
  /** A cheap estimate of the row set's size (statistics, EXPLAIN), or null when there is none. */
  estimateRows?(spec: SourceSpec, schema: TableSchema): Promise<number | null>;
  /** Greatest value of a column over the row set (incremental high-water mark); null when empty. */
  maxValue(spec: SourceSpec, schema: TableSchema, column: string): Promise<KeyValue | null>;
  /** Streams the rows of a key range in key order, in batches of at most `batchRows`. Never loads the range at once. */
  readData(spec: SourceSpec, schema: TableSchema, range: KeyRange, opts: ReadOptions): AsyncIterable<Row[]>;
  /** Whether `readText` can serve this row set exactly (every column has a packed form on this server). */
  canReadText?(spec: SourceSpec, schema: TableSchema): Promise<boolean>;
  /** Why `readText` cannot serve this row set (e.g. "column `g` (geometry): …"), or null when it can. */
  textPathBlocker?(spec: SourceSpec, schema: TableSchema): Promise<string | null>;
  /**
   * `readData` with batches as packed rows: same rows, same order, batches of at most `batchRows`
   * (the same bounds unless rows are wide: a source may cut pages to a byte budget).
   */
  readText?(spec: SourceSpec, schema: TableSchema, range: KeyRange, opts: ReadOptions): AsyncIterable<TextBatch>;
}

/** What verification compares between the two ends. */
export interface FinishedTable {
  notes: string[];
  tally: Tally | null;
}

export interface Tally {
  rows: number;
  /**
   * Order-independent checksum: the exact sum of a single integer key, as a decimal string; null
   * when the key is not one integer column (or an end cannot sum it exactly).
   */
  keySum: string | null;
  /**
   * Distinct keys, from destinations that may hold duplicate copies of a row (append-only):
   * verification then checks that no key is missing rather than that the counts are equal.
   */
  distinctKeys?: number;
}

/** What a write may need to know about the run it belongs to. */
export interface WriteOptions {
  /**
   * The incremental window the rows come from: a destination that settles a write whose outcome
   * is unknown (by asking what landed) must not count earlier runs' versions of the same keys.
   */
  window?: CursorWindow;
}

/** What a caller of landedRows knows about the writes it asks about. */
export interface LandedOptions {
  /**
   * Epoch ms before which every write in question was made (a chunk's first attempt, with no heartbeat,
   * asks only about earlier runs, which ended before it was scheduled). A destination that shows writes
   * late waits only for those. Unset: writes up to now.
   */
  writtenBefore?: number;
}

/** What the destination already holds inside a key range (used to resume a chunk without duplicating rows). */
export interface LandedRows {
  rows: number;
  /** Greatest key landed in the range, or null when none. */
  lastKey: KeyTuple | null;
}

export interface CreateTableResult {
  /** Fully qualified destination name, e.g. `project.table`. */
  target: string;
  created: boolean;
  /** Type-fidelity notes, e.g. precision reduced. Shown in the migration status. */
  warnings: string[];
}

/**
 * How a destination types columns, without connecting: the type a source column gets, and the
 * casts `destination_config.columns[].cast` may name (each becomes a portable type, so the table,
 * the writes and the value conversion all follow from it).
 */
export interface DestinationTyping {
  /** Cast names accepted, as documented (e.g. `text`, `bigint`, `numeric(p,s)`). */
  readonly casts: readonly string[];
  /** The portable type a column becomes under `cast`, or null when the destination has no such cast. */
  castType(cast: string, from: Column): ColumnType | null;
  /** The destination's type for a column (as its DDL or transform spells it), with fidelity warnings. */
  typeOf(column: Column, spec: DestinationSpec): { type: string; warnings: string[] };
  /** Longest column name it keeps, in UTF-8 bytes (PostgreSQL truncates longer ones): a longer new name is refused. */
  readonly maxNameBytes?: number;
}

/** What creating the table would do, found without changing anything (the dry-run plan). */
export interface TablePreview {
  target: string;
  exists: boolean;
  /** Statements or API requests createTable would issue (empty when the table exists and fits). */
  statements: string[];
  /** Why an existing table cannot take the rows (empty = compatible). */
  mismatches: string[];
  warnings: string[];
  /** Each column's type as the table gets it (destination name → type), where it differs from typing.typeOf (e.g. a primary timestamp). */
  columnTypes?: Record<string, string>;
}

export interface DestinationConnector extends DataConnector {
  /** Column types and casts (column mapping, catalog, plan). */
  readonly typing?: DestinationTyping;
  /** createTable's decisions without making them: DDL, or whether an existing table fits. */
  previewTable?(spec: DestinationSpec, schema: TableSchema): Promise<TablePreview>;
  /** Creates the table (and whatever it needs) if missing; checks compatibility if present. Idempotent. */
  createTable(spec: DestinationSpec, schema: TableSchema): Promise<CreateTableResult>;
  /** Writes one batch atomically as far as the destination allows; returns rows written. */
  writeData(spec: DestinationSpec, schema: TableSchema, rows: Row[], opts?: WriteOptions): Promise<number>;
  /** Whether `writeText` stores this schema exactly as `writeData` would, without decoding rows. */
  acceptsText?(spec: DestinationSpec, schema: TableSchema): Promise<boolean>;
  /** Why `acceptsText` is false (naming the column), or null when it is true. */
  textPathBlocker?(spec: DestinationSpec, schema: TableSchema): Promise<string | null>;
  /** `writeData` for a batch of packed text rows. */
  writeText?(spec: DestinationSpec, schema: TableSchema, batch: TextBatch, opts?: WriteOptions): Promise<number>;
  /**
   * Runs once after every chunk landed, before verification: builds what the load deferred for
   * speed (e.g. an index). Idempotent. Returns notes for the migration status and, when asked
   * for, the finished table's tally (null when it cannot be taken exactly now: verification
   * then counts on its own).
   */
  finishTable?(spec: DestinationSpec, schema: TableSchema, opts?: { tally?: boolean }): Promise<FinishedTable>;
  /**
   * Rows already present in a key range (restricted to an incremental window when given, so
   * earlier runs' rows do not count), so a retried chunk resumes after them.
   */
  landedRows(spec: DestinationSpec, schema: TableSchema, range: KeyRange, window?: CursorWindow, opts?: LandedOptions): Promise<LandedRows>;
  /** Rows in the whole destination table (the verification step compares it with the source). */
  countRows(spec: DestinationSpec): Promise<number>;
  /**
   * The same tally over the destination table; keySum null when it cannot compute it exactly.
   * `expectRows`: a destination that shows writes only after a delay recounts until it holds
   * that many keys or its visibility delay has passed.
   */
  tally?(spec: DestinationSpec, schema: TableSchema, opts?: { expectRows?: number }): Promise<Tally>;
}

/**
 * Error a connector throws when retrying cannot help (bad SQL, missing table,
 * a 4xx from the destination). Activities turn it into a non-retryable failure.
 */
export class PermanentError extends Error {
  constructor(message: string, readonly code = 'PERMANENT') {
    super(message);
    this.name = 'PermanentError';
  }
}
