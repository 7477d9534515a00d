/**
 * The production Temporal server with a frontend that requires client certificates (mTLS), with a
 * CA and certificates made in the test. Clients without a certificate from that CA are refused; a
 * worker process configured only the Temporal way (a TOML profile: TEMPORAL_CONFIG_FILE and
 * TEMPORAL_PROFILE) and an API client configured only by TEMPORAL_* variables run a migration.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { spawnWorker, stopProcess } from '../../scripts/lib/processes';
import { seedSales } from '../../scripts/seed-sales';
import { temporalSettings } from '../../worker/config';
import { makeTestCertificates, type TestCertificates } from '../support/cluster-certs';
import { startTestCluster, workerEnvFor, type TestCluster } from '../support/cluster';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import { toPostgres, withPostgres } from '../support/postgres';
import { api } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';

const ROWS = 20_000;
const source = uniqueName('cl_tls_sales');
const dest = uniqueName('cl_tls_dest');
const taskQueue = `cl-tls-${Math.random().toString(36).slice(2, 8)}`;

let certs: TestCertificates;
let tc: TestCluster;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  await seedSales(MARIADB_URL, ROWS, source);
  certs = makeTestCertificates();
  tc = await startTestCluster({
    databases: { main: 'es_cltls', visibility: 'es_cltls_visibility' },
    tls: { ...certs, serverName: 'localhost' },
  });
}, 300_000);

afterAll(async () => {
  if (worker) await stopProcess(worker, 'SIGKILL');
  await tc?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${source}\``);
  await db.end();
  await withPostgres([dest], async () => undefined);
});

it('refuses clients without a certificate signed by the cluster CA, and accepts one with', async () => {
  const ca = readFileSync(certs.caFile);
  const pair = (crt: string, key: string) => ({ crt: readFileSync(crt), key: readFileSync(key) });
  const address = tc.cluster.address;
  const systemInfo = async (options: Parameters<typeof Connection.connect>[0]) => {
    const c = await Connection.connect({ ...options, connectTimeout: 3_000 });
    try {
      return await c.workflowService.getSystemInfo({});
    } finally {
      await c.close();
    }
  };
  await expect(systemInfo({ address })).rejects.toThrow();
  await expect(systemInfo({ address, tls: { serverRootCACertificate: ca } })).rejects.toThrow();
  await expect(systemInfo({ address, tls: { serverRootCACertificate: ca, clientCertPair: pair(certs.strangerCertFile, certs.strangerKeyFile) } })).rejects.toThrow();
  await expect(systemInfo({ address, tls: { serverRootCACertificate: ca, clientCertPair: pair(certs.clientCertFile, certs.clientKeyFile) } })).resolves.toBeDefined();
});

it('runs a migration with a worker configured by a TOML profile and an API configured by TEMPORAL_* variables', { timeout: 240_000 }, async () => {
  const profileFile = join(certs.dir, 'temporal.toml');
  writeFileSync(
    profileFile,
    [
      '[profile.cluster]',
      `address = "${tc.cluster.address}"`,
      `namespace = "${tc.cluster.namespace}"`,
      '[profile.cluster.tls]',
      `client_cert_path = "${certs.clientCertFile}"`,
      `client_key_path = "${certs.clientKeyFile}"`,
      `server_ca_cert_path = "${certs.caFile}"`,
      'server_name = "localhost"',
      '',
    ].join('\n'),
  );
  worker = spawnWorker(workerEnvFor({ TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'cluster', TEMPORAL_TASK_QUEUE: taskQueue }), ['ignore', 'ignore', 'inherit']);

  const settings = temporalSettings({
    TEMPORAL_ADDRESS: tc.cluster.address,
    TEMPORAL_NAMESPACE: tc.cluster.namespace,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyFile,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile,
  });
  expect(settings.connectOptions.tls).toMatchObject({ clientCertPair: expect.anything(), serverRootCACertificate: expect.anything() });
  const connection = await Connection.connect(settings.connectOptions);
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    const app = createApp({ client, connection, taskQueue });
    const health = await api(app, 'GET', '/healthz');
    expect(health.status).toBe(200);

    const created = await api(app, 'POST', '/api/migrations', toPostgres(`cluster mtls ${source}`, source, dest));
    expect(created.status).toBe(201);
    const final = await waitFor(
      async () => {
        const m = (await api(app, 'GET', `/api/migrations/${created.body.id}`)).body;
        if (['failed', 'cancelled'].includes(m.status)) throw new StopWaiting(`migration ended ${m.status}: ${m.error}`);
        return m.status === 'completed' ? m : undefined;
      },
      180_000,
      'the migration over mTLS to complete',
      250,
    );
    expect(final.rows_copied).toBe(ROWS);
    await withPostgres([], async (pg) => {
      const { rows } = await pg.query(`SELECT count(*) AS n, count(DISTINCT id) AS d FROM "${dest}"`);
      expect([Number(rows[0].n), Number(rows[0].d)]).toEqual([ROWS, ROWS]);
    });
    // The only worker on the task queue is the one the profile configured.
    const pollers = await connection.workflowService.describeTaskQueue({ namespace: settings.namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
    expect(pollers.pollers?.length).toBe(1);
  } finally {
    await connection.close();
  }
});
