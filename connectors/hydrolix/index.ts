import type { ConnectorDefinition } from '../registry';
import { ENV_PREFIX, readHydrolixSettings } from './config';
import { HydrolixDestination } from './destination';

export { HydrolixDestination, DEFAULT_TRANSFORM, TABLE_SETTINGS } from './destination';
export { readHydrolixSettings, type HydrolixSettings } from './config';
export { buildOutputColumns, choosePrimary, mapType, SYNTHETIC_PRIMARY } from './type-map';
export { buildCountSql, buildLandedSql, countTableRows } from './query';

export const hydrolixConnector: ConnectorDefinition = {
  type: 'HYDROLIX',
  envPrefix: ENV_PREFIX,
  createDestination: (env, connection) => new HydrolixDestination(readHydrolixSettings(env, connection)),
};
