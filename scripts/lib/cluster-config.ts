/**
 * The production Temporal server's configuration, as plain objects: one process running the
 * frontend, history, matching and worker services, PostgreSQL persistence and PostgreSQL advanced
 * visibility (custom search attributes, SQL-like list filters), optionally mTLS on the frontend.
 * Written as JSON, which the server's and the UI server's YAML loaders read as it is.
 */

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface ClusterDatabases {
  /** Workflow state (histories, tasks, shards). */
  main: string;
  /** Advanced visibility: what `temporal workflow list --query` and the Web UI's filters search. */
  visibility: string;
}

export interface ClusterPorts {
  frontend: number;
  /** The frontend's HTTP API (also what Nexus callbacks would use). */
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Membership (ringpop) ports of the four services, in that order. */
  membership: [number, number, number, number];
  /** Prometheus metrics of the server; omit for none. */
  metrics?: number;
  /** The Web UI server; omit for none. */
  ui?: number;
}

/** PEM files for a frontend that requires client certificates. */
export interface ClusterTls {
  /** CA that signed the server's and the clients' certificates. */
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Name in the server certificate that internal clients (system workers, the UI) check. */
  serverName: string;
  /** Client certificate the server's own system workers and the Web UI present. */
  clientCertFile: string;
  clientKeyFile: string;
}

export interface ClusterConfigOptions {
  ip: string;
  ports: ClusterPorts;
  postgres: PostgresTarget;
  databases: ClusterDatabases;
  dynamicConfigFile: string;
  tls?: ClusterTls;
  /** Fixed when the databases are first set up (changing it later needs new databases). */
  historyShards?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

function datastore(pg: PostgresTarget, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function rpc(ip: string, grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) {
  return { rpc: { grpcPort, membershipPort, bindOnIP: ip, ...extra } };
}

function tlsConfig(tls: ClusterTls) {
  const client = { serverName: tls.serverName, rootCaFiles: [tls.caFile] };
  return {
    frontend: {
      server: { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile, clientCaFiles: [tls.caFile], requireClientAuth: true },
      client,
    },
    systemWorker: { certFile: tls.clientCertFile, keyFile: tls.clientKeyFile, client },
  };
}

/** The server's config file (`<root>/config/<env>.yaml`). */
export function serverConfig(o: ClusterConfigOptions): Record<string, unknown> {
  const { ip, ports } = o;
  const [mFrontend, mHistory, mMatching, mWorker] = ports.membership;
  const global: Record<string, unknown> = { membership: { maxJoinDuration: '30s', broadcastAddress: ip } };
  if (ports.metrics) global.metrics = { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `${ip}:${ports.metrics}` } };
  if (o.tls) global.tls = tlsConfig(o.tls);
  const disabled = { state: 'disabled' };
  return {
    log: { stdout: true, level: o.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: o.historyShards ?? 4,
      datastores: {
        'postgres-default': datastore(o.postgres, o.databases.main, 20),
        'postgres-visibility': datastore(o.postgres, o.databases.visibility, 10),
      },
    },
    global,
    services: {
      frontend: rpc(ip, ports.frontend, mFrontend, { httpPort: ports.frontendHttp }),
      history: rpc(ip, ports.history, mHistory),
      matching: rpc(ip, ports.matching, mMatching),
      worker: rpc(ip, ports.worker, mWorker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${ip}:${ports.frontend}`, httpAddress: `${ip}:${ports.frontendHttp}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: disabled, visibility: disabled },
    namespaceDefaults: { archival: { history: disabled, visibility: disabled } },
    dynamicConfigClient: { filepath: o.dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic configuration (`name: [{value}]`, re-read every 10 s). Search attributes registered
 * through the operator API become usable at once instead of after the frontend's 60 s cache: the
 * project registers its own at every start, and a run started meanwhile must not be refused.
 */
export function dynamicConfig(): Record<string, Array<{ value: unknown }>> {
  return {
    'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
    'frontend.persistenceMaxQPS': [{ value: 10_000 }],
    'history.persistenceMaxQPS': [{ value: 45_000 }],
    'limit.maxIDLength': [{ value: 255 }],
  };
}

/** The Web UI server's config file (`<root>/config/<env>.yaml`). */
export function uiConfig(o: { ip: string; port: number; frontend: string; namespace: string; tls?: ClusterTls }): Record<string, unknown> {
  return {
    temporalGrpcAddress: o.frontend,
    host: o.ip,
    port: o.port,
    enableUi: true,
    defaultNamespace: o.namespace,
    refreshInterval: '0s',
    notifyOnNewVersion: false,
    cors: { cookieInsecure: true, allowOrigins: [], unsafeAllowAllOrigins: false },
    tls: o.tls
      ? { caFile: o.tls.caFile, certFile: o.tls.clientCertFile, keyFile: o.tls.clientKeyFile, serverName: o.tls.serverName, enableHostVerification: true }
      : {},
    auth: { enabled: false },
  };
}
