import {
  PermanentError,
  type ConnectionInfo,
  type CreateTableResult,
  type CursorWindow,
  type DestinationConnector,
  type DestinationSpec,
  type KeyRange,
  type LandedOptions,
  type LandedRows,
  type Row,
  type Tally,
  type TablePreview,
  type TableSchema,
  type WriteOptions,
} from '../types';
import { HydrolixAuth } from './auth';
import type { HydrolixSettings } from './config';
import { ConfigApi, type HdxObject } from './config-api';
import { encodeRows, formatUtc } from './encode';
import { guardRows, readWindow, type TableWindow } from './guard';
import { HttpClient, backoffMs } from './http';
import { ingestLines, type IngestContext } from './ingest';
import { countTableRows, keyOrderWarnings, queryLanded, queryTally, type QueryTarget, type Target } from './query';
import { SYNTHETIC_PRIMARY, buildOutputColumns, describeDatatype, diffColumns, hydrolixTyping, missingDefaultWarnings, type OutputColumn, type PrimaryChoice } from './type-map';
import { validateSample, type TransformDoc } from './validate';
import { PARTITION_SETTINGS, visibilityWaitMs } from './visibility';

export const DEFAULT_TRANSFORM = 'epic_shelter';

/**
 * Settings for tables we create. Doc §4 time-window trap: Hydrolix silently drops
 * rows whose primary timestamp is older than stream.cold_data_max_age_days (365 by
 * older defaults) or further ahead than max_future_days (default 0) — fatal for a
 * historical backfill or future-dated rows. 36500 days (~100 years) each way covers
 * the whole `datetime` range from today. age.max_age_days 0 = never reap old data (doc §2).
 * Short partition timers (visibility.ts): rows become queryable within ~30 s instead of
 * ~5 minutes, which every "what landed?" question waits for.
 */
export const TABLE_SETTINGS = {
  stream: { cold_data_max_age_days: 36500, ...PARTITION_SETTINGS },
  max_future_days: 36500,
  age: { max_age_days: 0 },
};

/**
 * How long after a run ended one of its activities may still write: a cancelled (or reset) run's
 * activity learns of it at its next heartbeat, sent at most every 0.8 × the 30 s heartbeat timeout.
 * Also covers clock skew between the Temporal server and the worker.
 */
const STRAGGLER_MS = 30_000;

/** Lost ingest answers settled per request before the write fails (and the chunk resumes). */
const MAX_SETTLEMENTS = 5;

interface TargetInfo extends QueryTarget {
  transform: string;
  window: TableWindow;
  columns: OutputColumn[];
  names: string[];
  primaryChoice: PrimaryChoice;
  /** The transform as stored, for the validator. */
  transformDoc: TransformDoc;
  /** Milliseconds a written row may stay invisible to queries. */
  visibilityMs: number;
  /** A sample of real rows passed the validator in this process (or the cluster has none). */
  validated: boolean;
}

export interface DestinationOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class HydrolixDestination implements DestinationConnector {
  readonly type = 'HYDROLIX';
  readonly typing = hydrolixTyping;
  private readonly http: HttpClient;
  private readonly auth: HydrolixAuth;
  private readonly api: ConfigApi;
  private readonly targets = new Map<string, TargetInfo>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly settings: HydrolixSettings, opts: DestinationOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.http = new HttpClient(
      settings.url,
      { maxRetries: settings.maxRetries, baseMs: settings.retryBaseMs },
      [settings.password, settings.token],
      this.sleep,
    );
    this.auth = new HydrolixAuth(this.http, settings, this.now);
    this.api = new ConfigApi(this.auth);
  }

  async connect(): Promise<void> {
    await this.auth.validate();
  }

  async disconnect(): Promise<void> {
    await this.http.close();
  }

  async testConnection(): Promise<ConnectionInfo> {
    await this.auth.validate();
    let version = 'version unknown';
    try {
      const res = await this.auth.send({ method: 'GET', path: '/version', what: 'version probe' });
      if (res.status === 200) {
        let v: unknown = res.text.trim();
        try {
          const j = JSON.parse(res.text) as unknown;
          v = j && typeof j === 'object' ? (j as Record<string, unknown>).version ?? v : j;
        } catch {
          /* plain text */
        }
        if (typeof v === 'string' && v) version = this.auth.redact(v).slice(0, 80);
      }
    } catch {
      /* the version is cosmetic; credentials are already validated */
    }
    return { server: `Hydrolix ${version} (${this.http.host})` };
  }

  private target(spec: DestinationSpec): Target {
    return { project: spec.namespace ?? this.settings.project, table: spec.table };
  }

  private transformName(spec: DestinationSpec): string {
    const t = spec.options?.transform;
    return typeof t === 'string' && t ? t : DEFAULT_TRANSFORM;
  }

  /** HYDROLIX_VISIBILITY_WAIT_MS when set, else what the table's partition settings imply. */
  private visibilityFor(tableSettings: Record<string, unknown> | undefined): number {
    return this.settings.visibilityWaitMs ?? visibilityWaitMs(tableSettings);
  }

  private info(t: Target, transform: HdxObject, columns: OutputColumn[], names: string[], primary: PrimaryChoice, settings: Record<string, unknown> | undefined): TargetInfo {
    return {
      ...t,
      primary: primary.index < 0 ? SYNTHETIC_PRIMARY : names[primary.index],
      transform: transform.name,
      window: readWindow(settings),
      columns,
      names,
      primaryChoice: primary,
      transformDoc: { name: transform.name, type: String(transform.type ?? 'json'), settings: transform.settings ?? {} },
      visibilityMs: this.visibilityFor(settings),
      validated: false,
    };
  }

  private async tableSettings(org: string, projectId: string, table: HdxObject): Promise<Record<string, unknown> | undefined> {
    if (table.settings) return table.settings;
    // Some list responses are summaries: read the table itself.
    const full = await this.auth.json<HdxObject>({ method: 'GET', path: `${this.api.tablesPath(org, projectId)}${encodeURIComponent(table.uuid)}/`, what: `read table ${table.name}` });
    return full.settings;
  }

  private checkTransform(t: Target, name: string, existing: HdxObject, wanted: OutputColumn[]): void {
    const cols = ((existing.settings as { output_columns?: OutputColumn[] } | undefined)?.output_columns ?? []) as OutputColumn[];
    const diffs = diffColumns(wanted, cols);
    if (diffs.length) {
      throw new PermanentError(
        `Hydrolix transform ${name} of ${t.project}.${t.table} does not match the source schema: ${diffs.join('; ')}. ` +
          'Drop the table or migrate into a new one',
      );
    }
  }

  async createTable(spec: DestinationSpec, schema: TableSchema): Promise<CreateTableResult> {
    const t = this.target(spec);
    const transform = this.transformName(spec);
    const { columns, names, primary, warnings } = buildOutputColumns(schema, spec.options);
    warnings.push(...keyOrderWarnings(schema));
    // Hydrolix is append-only (doc §8): no upsert, and emptying a table is an explicit admin step.
    const writeMode = spec.options?.write_mode;
    if (writeMode === 'replace') {
      throw new PermanentError('destination_config.write_mode "replace" is not supported for Hydrolix (append-only); truncate the table yourself or use a new table');
    }
    if (writeMode === 'upsert') {
      warnings.push(
        `Hydrolix keeps every version of a row (append-only); read the latest with SELECT * FROM ${t.project}.${t.table} ORDER BY <cursor> DESC LIMIT 1 BY <key>`,
      );
    }
    const org = await this.auth.orgId();
    const { obj: project } = await this.api.ensureProject(org, t.project);
    const { obj: table, created } = await this.api.ensureTable(org, project.uuid, t.table, TABLE_SETTINGS);
    const tableSettings = created ? { ...TABLE_SETTINGS, ...table.settings } : await this.tableSettings(org, project.uuid, table);
    const window = readWindow(tableSettings);
    if (window.coldDataMaxAgeDays < TABLE_SETTINGS.stream.cold_data_max_age_days || window.maxFutureDays < TABLE_SETTINGS.max_future_days) {
      warnings.push(
        `existing table ${t.project}.${t.table} accepts primary timestamps only ${window.coldDataMaxAgeDays} days back and ` +
          `${window.maxFutureDays} days ahead; rows outside fail the write`,
      );
    }
    const transforms = await this.api.listTransforms(org, project.uuid, table.uuid);
    let mine = transforms.find((x) => x.name === transform);
    if (!mine) {
      const made = await this.api.ensureTransform(org, project.uuid, table.uuid, {
        name: transform,
        description: 'Epic Shelter migration transform',
        type: 'json',
        settings: {
          // Only one default per table (doc §3); we always name ours in x-hdx-transform anyway.
          is_default: !transforms.some((x) => (x.settings as { is_default?: boolean } | undefined)?.is_default),
          // Bodies are gzip via Content-Encoding (HTTP layer), not a transform-level compression.
          compression: 'none',
          format_details: { flattening: { active: false } },
          output_columns: columns,
        },
      });
      mine = made.obj;
      if (!made.created) this.checkTransform(t, transform, mine, columns);
    } else {
      this.checkTransform(t, transform, mine, columns);
    }
    warnings.push(...missingDefaultWarnings(`${t.project}.${t.table}`, transform, columns, outputColumnsOf(mine)));
    this.targets.set(`${t.project}.${t.table}`, this.info(t, mine, columns, names, primary, tableSettings));
    return { target: `${t.project}.${t.table}`, created, warnings };
  }

  /** createTable's decisions, read-only (the dry-run plan): the Config API requests it would make, or whether the transform fits. */
  async previewTable(spec: DestinationSpec, schema: TableSchema): Promise<TablePreview> {
    const t = this.target(spec);
    const label = `${t.project}.${t.table}`;
    const name = this.transformName(spec);
    const { columns, names, warnings } = buildOutputColumns(schema, spec.options);
    warnings.push(...keyOrderWarnings(schema));
    const byName = new Map(columns.map((c) => [c.name, c.datatype]));
    // By the schema's names (Hydrolix may have made a name safe), each spelled as hydrolixTyping does.
    const columnTypes = Object.fromEntries(schema.columns.map((c, i) => [c.name, describeDatatype(byName.get(names[i])!)]));
    const mismatches: string[] = [];
    if (spec.options?.write_mode === 'replace') mismatches.push('write_mode "replace" is not supported for Hydrolix (append-only)');
    const org = await this.auth.orgId();
    const project = await this.api.findProject(org, t.project);
    const table = project && (await this.api.findTable(org, project.uuid, t.table));
    const transform = table ? (await this.api.listTransforms(org, project!.uuid, table.uuid)).find((x) => x.name === name) : undefined;
    const statements: string[] = [];
    if (!project) statements.push(`create project ${t.project}`);
    if (!table) statements.push(`create table ${label} with settings ${JSON.stringify(TABLE_SETTINGS)}`);
    if (!transform) statements.push(`create transform ${name} (json) with output_columns ${JSON.stringify(columns)}`);
    else {
      const diffs = diffColumns(columns, outputColumnsOf(transform));
      if (diffs.length) mismatches.push(`transform ${name} of ${label} does not match: ${diffs.join('; ')}`);
    }
    return { target: label, exists: Boolean(table), statements, mismatches, warnings, columnTypes };
  }

  /** The target as createTable left it (possibly in another process): looked up, never created. */
  private async resolve(spec: DestinationSpec, schema: TableSchema): Promise<TargetInfo> {
    const t = this.target(spec);
    const key = `${t.project}.${t.table}`;
    const cached = this.targets.get(key);
    if (cached) return cached;
    const { columns, names, primary } = buildOutputColumns(schema, spec.options);
    const { settings, transform } = await this.lookup(spec);
    this.checkTransform(t, transform.name, transform, columns);
    const info = this.info(t, transform, columns, names, primary, settings);
    this.targets.set(key, info);
    return info;
  }

  /** The table's settings and our transform, for a target that must exist. */
  private async lookup(spec: DestinationSpec): Promise<{ settings: Record<string, unknown> | undefined; transform: HdxObject }> {
    const t = this.target(spec);
    const key = `${t.project}.${t.table}`;
    const name = this.transformName(spec);
    const org = await this.auth.orgId();
    const project = await this.api.findProject(org, t.project);
    const table = project && (await this.api.findTable(org, project.uuid, t.table));
    if (!project || !table) throw new PermanentError(`Hydrolix table ${key} does not exist (createTable first)`);
    const transform = (await this.api.listTransforms(org, project.uuid, table.uuid)).find((x) => x.name === name);
    if (!transform) throw new PermanentError(`Hydrolix table ${key} has no transform ${name} (createTable first)`);
    return { settings: await this.tableSettings(org, project.uuid, table), transform };
  }

  /** Where queries go, for calls that carry no schema: the primary column comes from the stored transform. */
  private async queryTarget(spec: DestinationSpec): Promise<QueryTarget & { visibilityMs: number }> {
    const cached = this.targets.get(`${this.target(spec).project}.${spec.table}`);
    if (cached) return cached;
    const { settings, transform } = await this.lookup(spec);
    const primary = outputColumnsOf(transform).find((c) => c.datatype?.primary)?.name;
    if (!primary) throw new PermanentError(`Hydrolix transform ${transform.name} of ${this.target(spec).project}.${spec.table} has no primary column`);
    return { ...this.target(spec), primary, visibilityMs: this.visibilityFor(settings) };
  }

  async writeData(spec: DestinationSpec, schema: TableSchema, rows: Row[], opts: WriteOptions = {}): Promise<number> {
    if (!rows.length) return 0;
    const info = await this.resolve(spec, schema);
    const now = this.now();
    guardRows(schema, info.columns, info.names, info.primaryChoice, info.window, rows, now);
    const synthetic = info.primaryChoice.index < 0 ? { name: SYNTHETIC_PRIMARY, value: formatUtc(now) } : undefined;
    const lines = encodeRows(schema.columns, rows, synthetic, info.names);
    if (!info.validated && this.settings.validateRows > 0) {
      await validateSample(this.auth, `${info.project}.${info.table}`, info.transformDoc, schema, info.names, rows, lines, this.settings.validateRows);
      info.validated = true;
    }
    const keyIdx = schema.key.map((k) => schema.columns.findIndex((c) => c.name === k));
    return ingestLines(this.ingestContext(info, schema, opts), lines, (i) => keyIdx.map((k) => keyValueOf(rows[i][k])), inWindow(schema, rows, opts.window));
  }

  private ingestContext(info: TargetInfo, schema: TableSchema, opts: WriteOptions): IngestContext {
    return {
      auth: this.auth,
      target: info,
      transform: info.transform,
      schema,
      window: opts.window,
      maxRequestBytes: this.settings.maxRequestBytes,
      visibilityMs: info.visibilityMs,
      propagation: { retries: Math.min(this.settings.maxRetries, 6), delayMs: (attempt) => backoffMs(attempt, this.http.policy) },
      maxSettlements: MAX_SETTLEMENTS,
      sleep: this.sleep,
    };
  }

  async landedRows(spec: DestinationSpec, schema: TableSchema, range: KeyRange, window?: CursorWindow, opts: LandedOptions = {}): Promise<LandedRows> {
    const target = await this.resolve(spec, schema);
    // Ingest is acknowledged before it is queryable (visibility.ts): let what the crashed attempt sent show up first.
    // Writes known to predate `writtenBefore` (earlier runs) need only the rest of that wait, plus the time a
    // cancelled run's activity may still write (it learns of the cancel at a heartbeat) and clock skew.
    const wait =
      opts.writtenBefore === undefined ? target.visibilityMs : opts.writtenBefore + STRAGGLER_MS + target.visibilityMs - this.now();
    if (target.visibilityMs > 0 && wait > 0) await this.sleep(Math.min(wait, target.visibilityMs + STRAGGLER_MS));
    return queryLanded(this.auth, target, schema, range, window);
  }

  /** Total rows in the destination table. */
  async countRows(spec: DestinationSpec): Promise<number> {
    return countTableRows(this.auth, await this.queryTarget(spec));
  }

  /**
   * Rows, distinct keys and the distinct-key sum (append-only: a lost answer settled imperfectly
   * leaves duplicate copies, which verification reports rather than fails on). With `expectRows`,
   * recounts until that many keys are visible or the table's visibility delay has passed.
   */
  async tally(spec: DestinationSpec, schema: TableSchema, opts: { expectRows?: number } = {}): Promise<Tally> {
    const target = await this.resolve(spec, schema);
    const deadline = this.now() + target.visibilityMs;
    for (let i = 0; ; i++) {
      const t = await queryTally(this.auth, target, schema);
      if (opts.expectRows === undefined || (t.distinctKeys ?? t.rows) >= opts.expectRows || this.now() >= deadline) return t;
      await this.sleep(Math.min(Math.max(0, deadline - this.now()), 1000 * 2 ** Math.min(i, 4)));
    }
  }
}

/**
 * Which rows the window's landed query counts: those past its lower bound (`after`, exclusive;
 * `from`, inclusive). An incremental batch may hold rows at the previous mark, re-read at the boundary.
 */
function inWindow(schema: TableSchema, rows: Row[], window: CursorWindow | undefined): ((i: number) => boolean) | undefined {
  if (!window || (window.after === null && (window.from ?? null) === null)) return undefined;
  const c = schema.columns.findIndex((x) => x.name === window.column);
  // Only cursor kinds whose canonical values compare simply; for others every row counts (settle then resends more, never less).
  if (c < 0 || !['int', 'year', 'date', 'datetime'].includes(schema.columns[c].type.kind)) return undefined;
  return (i) => {
    const v = rows[i][c];
    if (v === null || v instanceof Uint8Array) return false;
    if (window.after !== null && compareCursor(v, window.after) <= 0) return false;
    return window.from == null || compareCursor(v, window.from) >= 0;
  };
}

/** Canonical cursor values of one column: integers (numbers or 64-bit digit strings), or fixed-format date/datetime text. */
function compareCursor(a: string | number, b: string | number): number {
  const int = /^-?\d+$/;
  if (int.test(String(a)) && int.test(String(b))) {
    const x = BigInt(String(a));
    const y = BigInt(String(b));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function outputColumnsOf(transform: HdxObject): OutputColumn[] {
  return ((transform.settings as { output_columns?: OutputColumn[] } | undefined)?.output_columns ?? []) as OutputColumn[];
}

/** A key field as a KeyValue (keys are never binary or NULL: they are ordering keys). */
function keyValueOf(v: Row[number]): string | number {
  return typeof v === 'number' ? v : typeof v === 'string' ? v : String(v);
}
