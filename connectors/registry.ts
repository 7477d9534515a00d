/**
 * The worker's side of the connectors: factories that build a source or destination from the
 * worker's environment, added on top of the driver-free definitions (definitions.ts). Workflow
 * and activity code only ever asks this registry; adding a connector changes neither.
 */
import { definitionOf, destinationTypes, sourceTypes, type ConnectorDefinition } from './definitions';
import type { Env } from './env';
import { PermanentError, type DestinationConnector, type SourceConnector } from './types';

export * from './definitions';

export interface ConnectorFactories {
  /** A type defined in definitions.ts. */
  type: string;
  createSource?: (env: Env, connection?: string) => SourceConnector;
  createDestination?: (env: Env, connection?: string) => DestinationConnector;
}

const factories = new Map<string, ConnectorFactories>();

/** Adds the factories of a defined connector; each role must be one its definition declares. */
export function registerConnector(f: ConnectorFactories): void {
  const def = definitionOf(f.type);
  if (!def) throw new Error(`connector "${f.type}" has no definition (connectors/definitions.ts)`);
  if (f.createSource && !def.source) throw new Error(`connector "${f.type}" defines no source role`);
  if (f.createDestination && !def.destination) throw new Error(`connector "${f.type}" defines no destination role`);
  factories.set(f.type, f);
}

export function createSource(type: string, env: Env, connection?: string): SourceConnector {
  const make = factories.get(type)?.createSource;
  if (!make) throw new PermanentError(`unknown source connector type "${type}" (known: ${sourceTypes().join(', ')})`);
  return configured(definitionOf(type)!, 'source', () => make(env, connection));
}

export function createDestination(type: string, env: Env, connection?: string): DestinationConnector {
  const make = factories.get(type)?.createDestination;
  if (!make) throw new PermanentError(`unknown destination connector type "${type}" (known: ${destinationTypes().join(', ')})`);
  return configured(definitionOf(type)!, 'destination', () => make(env, connection));
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
