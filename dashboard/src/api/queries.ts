/** The API calls the pages share, each through the typed client. */
import { api, unwrap } from './client';
import type { Connector } from './types';

export async function loadConnectors(signal?: AbortSignal): Promise<Connector[]> {
  return unwrap(await api.GET('/api/connectors', { signal })).connectors;
}

export function connectorsFor(connectors: Connector[] | undefined, role: 'source' | 'destination'): Connector[] {
  return (connectors ?? []).filter((c) => c.roles.includes(role));
}
