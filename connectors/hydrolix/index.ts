import type { ConnectorFactories } from '../registry';
import { readHydrolixSettings } from './config';
import { hydrolixDefinition } from './definition';
import { HydrolixDestination } from './destination';

export { HydrolixDestination, DEFAULT_TRANSFORM, TABLE_SETTINGS } from './destination';
export { readHydrolixSettings, type HydrolixSettings } from './config';
export { buildOutputColumns, choosePrimary, mapType, SYNTHETIC_PRIMARY } from './type-map';
export { buildCountSql, buildLandedSql, countTableRows } from './query';

export const hydrolixConnector: ConnectorFactories = {
  type: hydrolixDefinition.type,
  createDestination: (env, connection) => new HydrolixDestination(readHydrolixSettings(env, connection)),
};
