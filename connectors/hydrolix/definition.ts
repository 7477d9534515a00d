/** Hydrolix as a destination: what requests may say about it. Driver-free (no HTTP client). */
import {
  columnsField,
  configObject,
  connectionField,
  destinationIdentifier,
  identifier,
  writeModeField,
} from '../config-fields';
import type { ConnectorDefinition, WriteMode } from '../connector-definition';
import { ENV_PREFIX } from './config';

const TYPE = 'HYDROLIX';
// Append-only (doc §8): upsert appends new versions of rows; replace would need an admin's truncate.
const WRITE_MODES: WriteMode[] = ['append', 'upsert'];

export const hydrolixDestinationConfig = configObject({
  connection: connectionField,
  table: destinationIdentifier('table', TYPE).describe('Destination table; created with its transform when missing').meta({ example: 'sales_history' }),
  project: destinationIdentifier('project', TYPE).optional().describe('Destination project (default: HYDROLIX_PROJECT on the worker, else epic_shelter)'),
  timestamp_column: identifier('timestamp_column').optional().describe("The table's primary timestamp (default: the first NOT NULL date/time column)"),
  write_mode: writeModeField(WRITE_MODES),
  columns: columnsField,
}).meta({ title: 'HYDROLIX destination_config' });

export const hydrolixDefinition: ConnectorDefinition = {
  type: TYPE,
  title: 'Hydrolix',
  envPrefix: ENV_PREFIX,
  destination: {
    config: hydrolixDestinationConfig,
    capabilities: { writeModes: WRITE_MODES, upsertInPlace: false, atomicReplace: false, columnMapping: true },
  },
};
