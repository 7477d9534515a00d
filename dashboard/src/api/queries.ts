/** The API calls the pages share, each through the typed client. */
import { api, unwrap } from './client';
import type { Connector, CreateMigration, DestinationConfig, SourceConfig } from './types';

export async function loadConnectors(signal?: AbortSignal): Promise<Connector[]> {
  return unwrap(await api.GET('/api/connectors', { signal })).connectors;
}

export function connectorsFor(connectors: Connector[] | undefined, role: 'source' | 'destination'): Connector[] {
  return (connectors ?? []).filter((c) => c.roles.includes(role));
}

/** A stored migration body's source and destination, for lists (configs differ per connector). */
export function migrationEnds(m: CreateMigration): { source: string; destination: string } {
  const sc = m.source_config as SourceConfig;
  const dc = m.destination_config as DestinationConfig;
  return { source: sc.table ?? 'query', destination: dc.table };
}
