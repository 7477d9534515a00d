/**
 * The production Temporal server (`npm run cluster`'s startCluster) for tests: PostgreSQL databases
 * of the test's own, free ports, configuration and logs in a temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type Cluster } from '../../scripts/lib/cluster';
import type { ClusterDatabases, ClusterPorts, ClusterTls, PostgresTarget } from '../../scripts/lib/cluster-config';
import { dropDatabases } from '../../scripts/lib/cluster-schema';
import { MARIADB_URL } from './mariadb';
import { freePort } from './ports';
import { TEST_PG_URL } from './postgres';
import { EMULATOR_USER } from './stack';

export const TEST_CLUSTER_PG: PostgresTarget = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' };

export interface TestCluster {
  cluster: Cluster;
  connection: Connection;
  client: Client;
  stop(): Promise<void>;
}

/** A free port in [low, high] (random tries; freePort's ephemeral ports are above what some columns hold). */
function freePortIn(low: number, high: number, taken: number[]): Promise<number> {
  const port = low + Math.floor(Math.random() * (high - low + 1));
  if (taken.includes(port)) return freePortIn(low, high, taken);
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(freePortIn(low, high, taken)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(port)));
  });
}

export async function freeClusterPorts(ui: boolean): Promise<ClusterPorts> {
  const ports: number[] = [];
  // Membership ports are stored in a SMALLINT column of the cluster_membership table: below 32768.
  while (ports.length < 4) ports.push(await freePortIn(20_000, 32_767, ports));
  // freePort answers with a port the OS just released; asking for all at once keeps them distinct.
  while (ports.length < (ui ? 10 : 9)) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const [m1, m2, m3, m4, frontend, frontendHttp, history, matching, worker, uiPort] = ports;
  return { frontend, frontendHttp, history, matching, worker, membership: [m1, m2, m3, m4], ...(ui ? { ui: uiPort } : {}) };
}

/**
 * Starts the cluster on `databases`. `fresh` drops them first (schemas set up from nothing, as on a
 * new machine); otherwise an earlier start's databases and namespace are reused.
 */
export async function startTestCluster(opts: { databases: ClusterDatabases; fresh?: boolean; ui?: boolean; tls?: ClusterTls }): Promise<TestCluster> {
  if (opts.fresh) await dropDatabases(TEST_CLUSTER_PG, opts.databases);
  const cluster = await startCluster({
    dataDir: mkdtempSync(join(tmpdir(), 'es-cluster-')),
    ports: await freeClusterPorts(opts.ui ?? false),
    postgres: TEST_CLUSTER_PG,
    databases: opts.databases,
    tls: opts.tls,
  });
  try {
    const connection = await Connection.connect(cluster.connectOptions);
    const client = new Client({ connection, namespace: cluster.namespace });
    return {
      cluster,
      connection,
      client,
      async stop() {
        await connection.close().catch(() => undefined);
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/**
 * Environment for a worker process of the cluster tests: the test's databases, no fixed metrics or
 * health port (several workers on one machine), no Temporal connection settings but `temporal`'s,
 * and `extra` (destination settings such as hydrolixEnvFor's).
 */
export function workerEnvFor(temporal: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  return {
    ...env,
    SINGLESTORE_URL: MARIADB_URL,
    POSTGRES_URL: TEST_PG_URL,
    WORKER_METRICS_PORT: '0',
    WORKER_HEALTH_PORT: '0',
    ...extra,
    ...temporal,
  };
}

/**
 * Worker settings for the Hydrolix emulator at `url`: its user, new tables in `project`, and no
 * visibility wait (rows the emulator has answered for are queryable at once).
 */
export function hydrolixEnvFor(url: string, project: string): Record<string, string> {
  return {
    HYDROLIX_URL: url,
    HYDROLIX_USERNAME: EMULATOR_USER.username,
    HYDROLIX_PASSWORD: EMULATOR_USER.password,
    HYDROLIX_PROJECT: project,
    HYDROLIX_VISIBILITY_WAIT_MS: '0',
    HYDROLIX_RETRY_BASE_MS: '100',
  };
}
