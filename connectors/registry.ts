import { PermanentError, type DestinationConnector, type SourceConnector, type SourceSpec } from './types';
import type { Env } from './env';

/**
 * Maps a connector type name (as used in the API: `SINGLESTORE`, `HYDROLIX`, ...)
 * to its implementation. Adding a connector means adding one entry here; no
 * workflow or activity code changes.
 */
export interface ConnectorDefinition {
  type: string;
  /** Env var prefix of its settings, for docs and error messages. */
  envPrefix: string;
  createSource?: (env: Env, connection?: string) => SourceConnector;
  createDestination?: (env: Env, connection?: string) => DestinationConnector;
  /**
   * Checks a source spec without connecting (e.g. the query is one read-only SELECT), so the
   * API can refuse a bad request before any workflow starts. Throws with a message naming the field.
   */
  validateSource?: (spec: SourceSpec) => void;
  /** Quotes an identifier in the source's SQL dialect (for SQL composed outside the connector). */
  quoteIdentifier?: (name: string) => string;
  /**
   * Longest identifier (table, schema) the destination keeps, in UTF-8 bytes. Longer names are
   * refused up front: PostgreSQL would silently truncate them, and so name another table.
   */
  maxIdentifierBytes?: number;
}

const definitions = new Map<string, ConnectorDefinition>();

export function registerConnector(def: ConnectorDefinition): void {
  definitions.set(def.type, def);
}

export function sourceTypes(): string[] {
  return [...definitions.values()].filter((d) => d.createSource).map((d) => d.type);
}

export function destinationTypes(): string[] {
  return [...definitions.values()].filter((d) => d.createDestination).map((d) => d.type);
}

export function createSource(type: string, env: Env, connection?: string): SourceConnector {
  const def = definitions.get(type);
  if (!def?.createSource) throw new PermanentError(`unknown source connector type "${type}" (known: ${sourceTypes().join(', ')})`);
  return configured(def, 'source', () => def.createSource!(env, connection));
}

export function createDestination(type: string, env: Env, connection?: string): DestinationConnector {
  const def = definitions.get(type);
  if (!def?.createDestination) {
    throw new PermanentError(`unknown destination connector type "${type}" (known: ${destinationTypes().join(', ')})`);
  }
  return configured(def, 'destination', () => def.createDestination!(env, connection));
}

/**
 * Building a connector only reads the worker's environment (no I/O), so whatever it throws is
 * configuration that no retry can fix: the run fails at once, naming the variable to set.
 */
function configured<T>(def: ConnectorDefinition, role: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    const message = (e as Error).message || String(e);
    throw new PermanentError(`${def.type} ${role} is not configured on the worker: ${message} (set it in the worker's environment and restart the worker)`, 'NOT_CONFIGURED');
  }
}

/** Static checks of a source spec; returns the error message or undefined. */
export function sourceSpecError(type: string, spec: SourceSpec): string | undefined {
  try {
    definitions.get(type)?.validateSource?.(spec);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** An identifier quoted for a connector's dialect; ANSI double quotes when it does not say. */
export function quoteIdentifierFor(type: string, name: string): string {
  const quote = definitions.get(type)?.quoteIdentifier;
  return quote ? quote(name) : `"${name.replace(/"/g, '""')}"`;
}

/** Why `name` cannot name a table or schema of a `type` destination, or undefined when it can. */
export function destinationIdentifierError(type: string, name: string): string | undefined {
  const max = definitions.get(type)?.maxIdentifierBytes;
  const bytes = new TextEncoder().encode(name).length;
  if (max === undefined || bytes <= max) return undefined;
  return `${type} keeps identifiers of at most ${max} bytes (this one has ${bytes}); it would be truncated, which can name another table`;
}
