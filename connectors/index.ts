/** Registers every built-in connector's factories (loads the drivers). Import this once in the worker. */
import { registerConnector } from './registry';
import { singlestoreConnector } from './singlestore';
import { hydrolixConnector } from './hydrolix';
import { postgresConnector } from './postgres';

registerConnector(singlestoreConnector);
registerConnector(hydrolixConnector);
registerConnector(postgresConnector);

export * from './registry';
export * from './types';
