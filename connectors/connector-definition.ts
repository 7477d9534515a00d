/**
 * What a connector declares about itself without loading a driver: its name, roles, request
 * config schemas, capabilities, identifier rules and query checks. The API, the OpenAPI
 * document and the catalog read these; the worker adds factories (registry.ts) on top.
 */
import type { z } from 'zod';
import type { SourceSpec } from './types';

export type WriteMode = 'append' | 'upsert' | 'replace';

export interface SourceCapabilities {
  /** `source_config.query`: a read-only SELECT instead of (or over) a table. */
  query: boolean;
  /** `options.mode: incremental`: runs read from a cursor column's high-water mark. */
  incremental: boolean;
}

export interface DestinationCapabilities {
  /** `destination_config.write_mode` values this destination accepts; the first is the full-copy default. */
  writeModes: WriteMode[];
  /** upsert replaces rows in place (true) or appends new versions of them (false: append-only stores). */
  upsertInPlace: boolean;
  /** replace loads a staging table and swaps it in, so a failed run leaves the old table intact. */
  atomicReplace: boolean;
  /** `destination_config.columns`: rename, skip or cast columns. */
  columnMapping: boolean;
}

export interface SourceRole {
  /** The `source_config` request body for this type. */
  config: z.ZodType<Record<string, unknown>>;
  capabilities: SourceCapabilities;
  /**
   * Checks a source spec without connecting (e.g. the query is one read-only SELECT), so the
   * API can refuse a bad request before any workflow starts. Throws with a message naming the field.
   */
  validate?: (spec: SourceSpec) => void;
}

export interface DestinationRole {
  /** The `destination_config` request body for this type. */
  config: z.ZodType<Record<string, unknown>>;
  capabilities: DestinationCapabilities;
}

export interface ConnectorDefinition {
  /** Upper-case name used in requests (`source_type`, `destination_type`). */
  type: string;
  /** Display name. */
  title: string;
  /** Env var prefix of its worker settings (`<PREFIX>_URL`, ...), for docs and error messages. */
  envPrefix: string;
  source?: SourceRole;
  destination?: DestinationRole;
  /** Quotes an identifier in the connector's SQL dialect (for SQL composed outside the connector). */
  quoteIdentifier?: (name: string) => string;
  /**
   * Longest identifier (table, schema) the destination keeps, in UTF-8 bytes. Longer names are
   * refused up front: PostgreSQL would silently truncate them, and so name another table.
   */
  maxIdentifierBytes?: number;
}
