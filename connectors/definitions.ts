/**
 * Every built-in connector's definition (connector-definition.ts), registered without loading a
 * driver: the API builds its request schema and OpenAPI document from these. Adding a connector
 * means adding its folder's definition.ts here and its factories in index.ts.
 */
import type { ConnectorDefinition } from './connector-definition';
import { hydrolixDefinition } from './hydrolix/definition';
import { postgresDefinition } from './postgres/definition';
import { singlestoreDefinition } from './singlestore/definition';
import type { SourceSpec } from './types';

export type { ConnectorDefinition, DestinationCapabilities, SourceCapabilities, WriteMode } from './connector-definition';

const definitions = new Map<string, ConnectorDefinition>();

/** Adds (or replaces) a connector definition; types are upper-case names such as SINGLESTORE. */
export function defineConnector(def: ConnectorDefinition): void {
  if (!/^[A-Z][A-Z0-9_]*$/.test(def.type)) throw new Error(`connector type "${def.type}" must be an upper-case name such as SINGLESTORE`);
  definitions.set(def.type, def);
}

for (const def of [singlestoreDefinition, postgresDefinition, hydrolixDefinition]) defineConnector(def);

export function connectorDefinitions(): ConnectorDefinition[] {
  return [...definitions.values()];
}

export function definitionOf(type: string): ConnectorDefinition | undefined {
  return definitions.get(type);
}

export function sourceTypes(): string[] {
  return connectorDefinitions().filter((d) => d.source).map((d) => d.type);
}

export function destinationTypes(): string[] {
  return connectorDefinitions().filter((d) => d.destination).map((d) => d.type);
}

/** Static checks of a source spec; returns the error message or undefined. */
export function sourceSpecError(type: string, spec: SourceSpec): string | undefined {
  try {
    definitions.get(type)?.source?.validate?.(spec);
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
