/**
 * The production Temporal server (`npm run cluster`'s startCluster) for tests: PostgreSQL databases
 * of the test's own, free ports, configuration and logs in a temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type Cluster } from '../../scripts/lib/cluster';
import type { ClusterDatabases, ClusterPorts, ClusterTls, PostgresTarget } from '../../scripts/lib/cluster-config';
import { dropDatabases } from '../../scripts/lib/cluster-schema';
import { freePort } from './ports';

export const TEST_CLUSTER_PG: PostgresTarget = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' };

export interface TestCluster {
  cluster: Cluster;
  connection: Connection;
  client: Client;
  stop(): Promise<void>;
}

export async function freeClusterPorts(ui: boolean): Promise<ClusterPorts> {
  const ports: number[] = [];
  // freePort answers with a port the OS just released; asking for all at once keeps them distinct.
  while (ports.length < (ui ? 10 : 9)) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const [frontend, frontendHttp, history, matching, worker, m1, m2, m3, m4, uiPort] = ports;
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
