/**
 * `npm run cluster`: the production Temporal server (PostgreSQL persistence and visibility) with the
 * Web UI in front of it, on this machine's PostgreSQL, in the foreground until Ctrl-C. Builds the
 * binaries once if they are missing (scripts/lib/cluster-build.ts). Settings: see clusterSettings.
 */
import { resolve } from 'node:path';
import { ROOT } from './lib/processes';
import { startCluster, type ClusterOptions } from './lib/cluster';
import type { ClusterTls } from './lib/cluster-config';

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`${name} must be a port number (0 for none), got "${raw}"`);
  return n;
}

function tlsSettings(env: NodeJS.ProcessEnv): ClusterTls | undefined {
  const names = ['CLUSTER_TLS_CA', 'CLUSTER_TLS_CERT', 'CLUSTER_TLS_KEY', 'CLUSTER_TLS_CLIENT_CERT', 'CLUSTER_TLS_CLIENT_KEY'] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return undefined;
  if (set.length < names.length) throw new Error(`mTLS needs all of ${names.join(', ')}; missing ${names.filter((n) => !env[n]).join(', ')}`);
  return {
    caFile: resolve(env.CLUSTER_TLS_CA!),
    serverCertFile: resolve(env.CLUSTER_TLS_CERT!),
    serverKeyFile: resolve(env.CLUSTER_TLS_KEY!),
    clientCertFile: resolve(env.CLUSTER_TLS_CLIENT_CERT!),
    clientKeyFile: resolve(env.CLUSTER_TLS_CLIENT_KEY!),
    serverName: env.CLUSTER_TLS_SERVER_NAME || 'localhost',
  };
}

/**
 * CLUSTER_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432), CLUSTER_DATABASE (default
 * es_temporal; visibility in <name>_visibility), CLUSTER_IP (127.0.0.1), CLUSTER_PORT (frontend,
 * 7233; the other services take Temporal's usual ports beside it: HTTP +10, history +1, matching
 * +2, worker +6, membership -300 +0/1/2/6), CLUSTER_UI_PORT (8080), CLUSTER_METRICS_PORT (8000; 0
 * for none), CLUSTER_NAMESPACE (default), CLUSTER_DATA_DIR (.data/cluster), CLUSTER_TLS_* (mTLS).
 */
export function clusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterOptions {
  const pgUrl = new URL(env.CLUSTER_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432');
  const database = env.CLUSTER_DATABASE || 'es_temporal';
  const frontend = port(env, 'CLUSTER_PORT', 7233);
  const membership = frontend - 300;
  // The membership table stores ports as SMALLINT.
  if (membership < 1 || membership + 6 > 32_767) throw new Error(`CLUSTER_PORT must be from 301 to 33061 (membership ports sit 300 below it), got ${frontend}`);
  const ui = port(env, 'CLUSTER_UI_PORT', 8080);
  const metrics = port(env, 'CLUSTER_METRICS_PORT', 8000);
  return {
    dataDir: resolve(ROOT, env.CLUSTER_DATA_DIR || '.data/cluster'),
    ip: env.CLUSTER_IP || '127.0.0.1',
    ports: {
      frontend,
      frontendHttp: frontend + 10,
      history: frontend + 1,
      matching: frontend + 2,
      worker: frontend + 6,
      membership: [membership, membership + 1, membership + 2, membership + 6],
      ...(ui ? { ui } : {}),
      ...(metrics ? { metrics } : {}),
    },
    postgres: {
      host: pgUrl.hostname,
      port: Number(pgUrl.port || 5432),
      user: decodeURIComponent(pgUrl.username || 'postgres'),
      password: decodeURIComponent(pgUrl.password),
    },
    databases: { main: database, visibility: `${database}_visibility` },
    namespace: env.CLUSTER_NAMESPACE || 'default',
    tls: tlsSettings(env),
  };
}

async function main() {
  const settings = clusterSettings();
  const cluster = await startCluster({ ...settings, log: (m) => console.log(m) });
  const tls = settings.tls;
  console.log('\nTemporal cluster is running:');
  console.log(`  Frontend   ${cluster.address}${tls ? ' (mTLS)' : ''}   namespace ${cluster.namespace}`);
  if (cluster.uiUrl) console.log(`  Web UI     ${cluster.uiUrl}`);
  if (settings.ports.metrics) console.log(`  Metrics    http://${settings.ip}:${settings.ports.metrics}/metrics`);
  console.log(`  Databases  ${settings.databases.main}, ${settings.databases.visibility} on ${settings.postgres.host}:${settings.postgres.port}`);
  console.log(`  Logs       ${cluster.logs.server}${cluster.logs.ui ? `, ${cluster.logs.ui}` : ''}`);
  const env = [`TEMPORAL_ADDRESS=${cluster.address}`, `TEMPORAL_NAMESPACE=${cluster.namespace}`];
  if (tls) env.push(`TEMPORAL_TLS_SERVER_CA_CERT_PATH=${tls.caFile}`, 'TEMPORAL_TLS_CLIENT_CERT_PATH=<client.pem>', 'TEMPORAL_TLS_CLIENT_KEY_PATH=<client.key>');
  console.log(`Workers and the API connect with:\n  ${env.join(' ')} npm run worker   (and npm run api)`);
  console.log('Ctrl-C stops the cluster.\n');

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void cluster.stop().then(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  for (const [name, child] of [['Temporal server', cluster.server], ['Web UI server', cluster.ui]] as const) {
    child?.once('exit', (code) => {
      if (stopping) return;
      console.error(`${name} exited (code ${code}); see ${cluster.logs.server}${cluster.logs.ui ? ` and ${cluster.logs.ui}` : ''}`);
      stop(1);
    });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
