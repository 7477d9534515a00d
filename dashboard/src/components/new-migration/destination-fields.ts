/**
 * Which destination_config fields the chosen destination takes, read from the connector's own
 * JSON Schema and capabilities (GET /api/connectors): its namespace field (PostgreSQL `schema`,
 * Hydrolix `project`) with the API's description, a primary timestamp column, and its write modes.
 */
import type { Connector } from '../../api/types';

interface Property {
  description?: string;
}

export interface DestinationFields {
  namespace: { key: 'schema' | 'project'; hint: string } | null;
  timestampColumn: { hint: string } | null;
  writeModes: string[];
}

const ALL_WRITE_MODES = ['append', 'upsert', 'replace'];

export function destinationFields(connector: Connector | undefined): DestinationFields {
  const schema = connector?.config_schemas.destination as { properties?: Record<string, Property> } | undefined;
  const props = schema?.properties ?? {};
  const namespaceKey = 'schema' in props ? 'schema' : 'project' in props ? 'project' : null;
  const caps = connector?.capabilities.destination as { write_modes?: unknown; writeModes?: unknown } | undefined;
  const modes = caps?.write_modes ?? caps?.writeModes;
  return {
    namespace: namespaceKey ? { key: namespaceKey, hint: props[namespaceKey].description ?? '' } : null,
    timestampColumn: 'timestamp_column' in props ? { hint: props.timestamp_column.description ?? '' } : null,
    writeModes: Array.isArray(modes) ? modes.filter((m): m is string => typeof m === 'string') : ALL_WRITE_MODES,
  };
}
