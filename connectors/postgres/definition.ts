/** PostgreSQL as source and destination: what requests may say about it. Driver-free (no pg). */
import { z } from 'zod';
import {
  columnsField,
  configObject,
  connectionField,
  destinationIdentifier,
  overwriteExistingField,
  sqlSourceConfig,
  writeModeField,
} from '../config-fields';
import type { ConnectorDefinition, WriteMode } from '../connector-definition';
import { ENV_PREFIX } from './config';
import { quoteIdent, validateQuery } from './sql';

const TYPE = 'POSTGRES';
// NAMEDATALEN - 1: PostgreSQL truncates longer names (with only a NOTICE).
const MAX_IDENTIFIER_BYTES = 63;
const WRITE_MODES: WriteMode[] = ['append', 'upsert', 'replace'];

export const postgresDestinationConfig = configObject({
  connection: connectionField,
  table: destinationIdentifier('table', TYPE, MAX_IDENTIFIER_BYTES).describe('Destination table; created when missing').meta({ example: 'sales_history' }),
  schema: destinationIdentifier('schema', TYPE, MAX_IDENTIFIER_BYTES).optional().describe('Destination schema (default: public)'),
  write_mode: writeModeField(WRITE_MODES),
  boolean_as: z
    .enum(['boolean', 'smallint'])
    .optional()
    .describe('TINYINT(1) as boolean (default; a value other than 0/1 fails the run) or smallint (every value kept)'),
  overwrite_existing: overwriteExistingField,
  columns: columnsField,
}).meta({ title: 'POSTGRES destination_config' });

export const postgresDefinition: ConnectorDefinition = {
  type: TYPE,
  title: 'PostgreSQL',
  envPrefix: ENV_PREFIX,
  source: {
    config: sqlSourceConfig('POSTGRES source_config'),
    capabilities: { query: true, incremental: true },
    validate: (spec) => {
      if (spec.query !== undefined) validateQuery(spec.query);
    },
  },
  destination: {
    config: postgresDestinationConfig,
    capabilities: { writeModes: WRITE_MODES, upsertInPlace: true, atomicReplace: true, columnMapping: true },
  },
  quoteIdentifier: quoteIdent,
  maxIdentifierBytes: MAX_IDENTIFIER_BYTES,
};
