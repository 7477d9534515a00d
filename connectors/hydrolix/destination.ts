import {
  PermanentError,
  type ConnectionInfo,
  type CreateTableResult,
  type CursorWindow,
  type DestinationConnector,
  type DestinationSpec,
  type KeyRange,
  type LandedRows,
  type Row,
  type TableSchema,
} from '../types';
import { HydrolixAuth } from './auth';
import type { HydrolixSettings } from './config';
import { ConfigApi, type HdxObject } from './config-api';
import { encodeRows, formatUtc, splitBodies } from './encode';
import { guardRows, readWindow, type TableWindow } from './guard';
import { HttpClient, backoffMs } from './http';
import { ingestBodies } from './ingest';
import { countTableRows, keyOrderWarnings, queryLanded, type Target } from './query';
import { SYNTHETIC_PRIMARY, buildOutputColumns, diffColumns, type OutputColumn, type PrimaryChoice } from './type-map';

export const DEFAULT_TRANSFORM = 'epic_shelter';

/**
 * Settings for tables we create. Doc §4 time-window trap: Hydrolix silently drops
 * rows whose primary timestamp is older than stream.cold_data_max_age_days (365 by
 * older defaults) or further ahead than max_future_days (default 0) — fatal for a
 * historical backfill or future-dated rows. 36500 days (~100 years) each way covers
 * the whole `datetime` range from today. age.max_age_days 0 = never reap old data (doc §2).
 */
export const TABLE_SETTINGS = {
  stream: { cold_data_max_age_days: 36500 },
  max_future_days: 36500,
  age: { max_age_days: 0 },
};

interface TargetInfo extends Target {
  transform: string;
  window: TableWindow;
  columns: OutputColumn[];
  names: string[];
  primary: PrimaryChoice;
}

export interface DestinationOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class HydrolixDestination implements DestinationConnector {
  readonly type = 'HYDROLIX';
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
    const window = readWindow(created ? { ...TABLE_SETTINGS, ...table.settings } : await this.tableSettings(org, project.uuid, table));
    if (window.coldDataMaxAgeDays < TABLE_SETTINGS.stream.cold_data_max_age_days || window.maxFutureDays < TABLE_SETTINGS.max_future_days) {
      warnings.push(
        `existing table ${t.project}.${t.table} accepts primary timestamps only ${window.coldDataMaxAgeDays} days back and ` +
          `${window.maxFutureDays} days ahead; rows outside fail the write`,
      );
    }
    const transforms = await this.api.listTransforms(org, project.uuid, table.uuid);
    const mine = transforms.find((x) => x.name === transform);
    if (mine) {
      this.checkTransform(t, transform, mine, columns);
    } else {
      const { obj, created: made } = await this.api.ensureTransform(org, project.uuid, table.uuid, {
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
      if (!made) this.checkTransform(t, transform, obj, columns);
    }
    this.targets.set(`${t.project}.${t.table}`, { ...t, transform, window, columns, names, primary });
    return { target: `${t.project}.${t.table}`, created, warnings };
  }

  /** The target as createTable left it (possibly in another process): looked up, never created. */
  private async resolve(spec: DestinationSpec, schema: TableSchema): Promise<TargetInfo> {
    const t = this.target(spec);
    const key = `${t.project}.${t.table}`;
    const cached = this.targets.get(key);
    if (cached) return cached;
    const transform = this.transformName(spec);
    const { columns, names, primary } = buildOutputColumns(schema, spec.options);
    const org = await this.auth.orgId();
    const project = await this.api.findProject(org, t.project);
    const table = project && (await this.api.findTable(org, project.uuid, t.table));
    if (!project || !table) throw new PermanentError(`Hydrolix table ${key} does not exist (createTable first)`);
    const mine = (await this.api.listTransforms(org, project.uuid, table.uuid)).find((x) => x.name === transform);
    if (!mine) throw new PermanentError(`Hydrolix table ${key} has no transform ${transform} (createTable first)`);
    this.checkTransform(t, transform, mine, columns);
    const info = { ...t, transform, window: readWindow(await this.tableSettings(org, project.uuid, table)), columns, names, primary };
    this.targets.set(key, info);
    return info;
  }

  async writeData(spec: DestinationSpec, schema: TableSchema, rows: Row[]): Promise<number> {
    if (!rows.length) return 0;
    const info = await this.resolve(spec, schema);
    const now = this.now();
    guardRows(schema, info.columns, info.names, info.primary, info.window, rows, now);
    const synthetic = info.primary.index < 0 ? { name: SYNTHETIC_PRIMARY, value: formatUtc(now) } : undefined;
    const bodies = splitBodies(encodeRows(schema.columns, rows, synthetic, info.names), this.settings.maxRequestBytes);
    return ingestBodies(this.auth, `${info.project}.${info.table}`, info.transform, bodies, {
      retries: Math.min(this.settings.maxRetries, 6),
      delayMs: (attempt) => backoffMs(attempt, this.http.policy),
      sleep: this.sleep,
    });
  }

  async landedRows(spec: DestinationSpec, schema: TableSchema, range: KeyRange, window?: CursorWindow): Promise<LandedRows> {
    // Ingest is acknowledged before it is indexed (doc §4): give the queue time to drain.
    if (this.settings.resumeSettleMs > 0) await this.sleep(this.settings.resumeSettleMs);
    return queryLanded(this.auth, this.target(spec), schema, range, window);
  }

  /** Total rows in the destination table, for verification. */
  async countRows(spec: DestinationSpec): Promise<number> {
    return countTableRows(this.auth, this.target(spec));
  }
}
