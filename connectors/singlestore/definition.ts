/** SingleStore (and MySQL/MariaDB) as a source: what requests may say about it. Driver-free (no mysql2). */
import { sqlSourceConfig } from '../config-fields';
import type { ConnectorDefinition } from '../connector-definition';
import { ENV_PREFIX } from './config';
import { quoteIdent, validateQuery } from './dialect';

export const singlestoreDefinition: ConnectorDefinition = {
  type: 'SINGLESTORE',
  title: 'SingleStore',
  envPrefix: ENV_PREFIX,
  source: {
    config: sqlSourceConfig('SINGLESTORE source_config'),
    capabilities: { query: true, incremental: true },
    validate: (spec) => {
      if (spec.query !== undefined) validateQuery(spec.query);
    },
  },
  quoteIdentifier: quoteIdent,
};
