/** Registers every built-in connector. Import this once at process start (worker, API). */
import { registerConnector } from './registry';
import { singlestoreConnector } from './singlestore';
import { hydrolixConnector } from './hydrolix';
import { postgresConnector } from './postgres';

registerConnector(singlestoreConnector);
registerConnector(hydrolixConnector);
registerConnector(postgresConnector);

export * from './registry';
export * from './types';
