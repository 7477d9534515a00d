/**
 * The catalog, run on the worker (it alone holds the connection settings): which connectors are
 * configured here, a source's tables with row estimates, and one table's columns with the type
 * each would get at a chosen destination. Answers carry failures as a class and the object
 * concerned, never a database's own error text, host or user.
 */
import { ColumnMappingError } from '../connectors/column-mapping';
import { connectionEnvName, type Env } from '../connectors/env';
import { connectorDefinitions, createDestination, createSource, definitionOf } from '../connectors/registry';
import { PermanentError, type CatalogTable, type Column, type DestinationTyping, type SourceConnector, type TableSchema } from '../connectors/types';
import type { ConnectorCache } from './connector-cache';
import { guarded } from './failures';
import { planActivities } from './plan';
import type { Redactor } from './redact';

export type FailureClass = 'column_mapping' | 'invalid' | 'not_found' | 'not_configured' | 'unreachable' | 'failed';

/** What went wrong, safe to show: our own wording, naming the object (and the request field when there is one). */
export interface CatalogFailure {
  class: FailureClass;
  message: string;
  /** Request field at fault (e.g. `destination_config.columns.price`). */
  field?: string;
}

export type Answer<T> = ({ ok: true } & T) | { ok: false; failure: CatalogFailure };

export interface RoleStatus {
  /** Its settings are present in the worker's environment (nothing is connected to find out). */
  configured: boolean;
  /** Named connections configured besides the default (`<PREFIX>_URL_<NAME>`), lower-case. */
  connections: string[];
}

export interface ConnectorStatus {
  type: string;
  source?: RoleStatus;
  destination?: RoleStatus & { casts: string[] };
}

export interface TablesRequest {
  type: string;
  connection?: string;
  schema?: string;
  search?: string;
  limit: number;
}

export interface ColumnsRequest {
  type: string;
  connection?: string;
  table: string;
  destinationType?: string;
}

export interface CatalogColumn {
  name: string;
  sourceType: string;
  nullable: boolean;
  key: boolean;
  /** At the chosen destination (null without one). */
  destinationType: string | null;
  warnings: string[];
}

export interface DescribedTable {
  name: string;
  key: string[];
  keySource: TableSchema['keySource'];
  columns: CatalogColumn[];
}

const UNREACHABLE = /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN|PROTOCOL_CONNECTION_LOST|ER_ACCESS_DENIED|ER_DBACCESS_DENIED|28P01|28000|3D000|cannot connect|connection (refused|lost|terminated|timeout)/i;

/**
 * A failure as a class and the object it concerns. Messages we wrote about the request itself
 * (column mapping, source_config/options checks) are kept; anything else is replaced by the
 * class's own sentence, and the original goes to the worker's log only.
 */
export function classifyFailure(err: unknown, object: string, redact: Redactor = (s) => s): CatalogFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof ColumnMappingError) return { class: 'column_mapping', message: e.message, field: `destination_config.columns.${e.column}` };
  const code = (e as { code?: string }).code ?? '';
  if (code === 'NOT_CONFIGURED') return { class: 'not_configured', message: `${object} is not configured on the worker` };
  const permanent = e instanceof PermanentError || e.name === 'PermanentError';
  // Our own checks of the request name their field first ("source_config.order_by names column …, which does not exist").
  if (permanent && code !== 'BAD_QUERY' && /^(source_config|destination_config|options|transform_query)\.\S+/.test(e.message)) {
    const field = /^([a-z_]+\.[a-z_]+)/.exec(e.message)?.[1];
    return { class: 'invalid', message: e.message, ...(field ? { field } : {}) };
  }
  if (permanent && /does not exist|no such table|not found/i.test(e.message)) return { class: 'not_found', message: `${object}: table not found` };
  if (code === 'BAD_QUERY') return { class: 'invalid', message: `${object}: the source rejected the query`, field: 'source_config.query' };
  console.warn(`[catalog] ${object}: ${redact(e.message || e.name)}`);
  if (UNREACHABLE.test(`${code} ${e.message}`)) return { class: 'unreachable', message: `${object} cannot be reached or refused the worker's login` };
  return { class: 'failed', message: `${object} failed to answer (details in the worker's log)` };
}

/** Named connections present in the environment for a prefix: `<PREFIX>_URL_<NAME>` (non-empty). */
export function namedConnections(env: Env, prefix: string): string[] {
  const base = `${connectionEnvName(prefix, 'URL')}_`;
  return Object.keys(env)
    .filter((k) => k.startsWith(base) && env[k])
    .map((k) => k.slice(base.length).toLowerCase())
    .sort();
}

function configured(make: () => unknown): boolean {
  try {
    make();
    return true;
  } catch {
    return false;
  }
}

/** A destination's typing without connecting to it (only its settings are read). */
function typingOf(env: Env, type: string): DestinationTyping | undefined {
  try {
    return createDestination(type, env).typing;
  } catch {
    return undefined;
  }
}

const describeColumn = (c: Column, keys: Set<string>, typing: DestinationTyping | undefined, destinationType?: string): CatalogColumn => {
  const t = typing?.typeOf(c, { table: '' });
  return {
    name: c.name,
    sourceType: c.sourceType,
    nullable: c.nullable,
    key: keys.has(c.name),
    destinationType: t?.type ?? null,
    warnings: t?.warnings ?? (destinationType && !typing ? [`${destinationType} gives no column types`] : []),
  };
};

/** Tables from the source's catalog, else (a source without one) its table names with estimates asked one by one. */
async function tablesOf(src: SourceConnector, req: TablesRequest): Promise<CatalogTable[]> {
  if (src.catalog) return src.catalog.listTables({ schema: req.schema, search: req.search, limit: req.limit });
  const needle = req.search?.toLowerCase();
  const names = (await src.getTables()).filter((n) => !needle || n.toLowerCase().includes(needle)).slice(0, req.limit);
  return names.map((name) => ({ name, schema: req.schema ?? '', rowsEstimate: null }));
}

export function catalogActivities(env: Env, connectors: ConnectorCache, redact: Redactor) {
  return {
    /** Every defined connector, its roles, and whether the worker has their settings (no connection made). */
    async describeConnectors(): Promise<ConnectorStatus[]> {
      return connectorDefinitions().map((def) => {
        const out: ConnectorStatus = { type: def.type };
        if (def.source) out.source = { configured: configured(() => createSource(def.type, env)), connections: namedConnections(env, def.envPrefix) };
        if (def.destination) {
          out.destination = {
            configured: configured(() => createDestination(def.type, env)),
            connections: namedConnections(env, def.envPrefix),
            casts: [...(typingOf(env, def.type)?.casts ?? [])],
          };
        }
        return out;
      });
    },

    async listSourceTables(req: TablesRequest): Promise<Answer<{ tables: CatalogTable[]; truncated: boolean }>> {
      const object = `the ${req.type} source${req.connection ? ` (connection ${req.connection})` : ''}`;
      try {
        if (!definitionOf(req.type)?.source) return { ok: false, failure: { class: 'not_found', message: `no source connector ${req.type}` } };
        const src = await connectors.source(req.type, req.connection);
        // One more than asked for tells whether the page is the whole answer.
        const tables = await tablesOf(src, { ...req, limit: req.limit + 1 });
        return { ok: true, tables: tables.slice(0, req.limit), truncated: tables.length > req.limit };
      } catch (e) {
        return { ok: false, failure: classifyFailure(e, object, redact) };
      }
    },

    async describeSourceTable(req: ColumnsRequest): Promise<Answer<{ table: DescribedTable }>> {
      const object = `table ${req.table} of the ${req.type} source${req.connection ? ` (connection ${req.connection})` : ''}`;
      try {
        if (!definitionOf(req.type)?.source) return { ok: false, failure: { class: 'not_found', message: `no source connector ${req.type}` } };
        if (req.destinationType && !definitionOf(req.destinationType)?.destination) {
          return { ok: false, failure: { class: 'invalid', message: `no destination connector ${req.destinationType}`, field: 'destination_type' } };
        }
        const typing = req.destinationType ? typingOf(env, req.destinationType) : undefined;
        if (req.destinationType && !typing) {
          return { ok: false, failure: { class: 'not_configured', message: `the ${req.destinationType} destination is not configured on the worker` } };
        }
        const src = await connectors.source(req.type, req.connection);
        const schema = await src.getSchema({ table: req.table, connection: req.connection });
        const keys = new Set(schema.key);
        return {
          ok: true,
          table: { name: schema.name, key: schema.key, keySource: schema.keySource, columns: schema.columns.map((c) => describeColumn(c, keys, typing, req.destinationType)) },
        };
      } catch (e) {
        return { ok: false, failure: classifyFailure(e, object, redact) };
      }
    },
  };
}

/**
 * The catalog and plan activities as the worker registers them (activities/index.ts spreads
 * these), each through `guarded` like every other activity.
 */
export function schemaActivities(env: Env, connectors: ConnectorCache, redact: Redactor) {
  const catalog = catalogActivities(env, connectors, redact);
  const plan = planActivities(connectors, redact);
  return {
    describeConnectors: guarded(redact, catalog.describeConnectors),
    listSourceTables: guarded(redact, catalog.listSourceTables),
    describeSourceTable: guarded(redact, catalog.describeSourceTable),
    planMigration: guarded(redact, plan.planMigration),
  };
}

export type SchemaActivities = ReturnType<typeof schemaActivities>;
