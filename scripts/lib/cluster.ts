/**
 * Starts the production Temporal server on PostgreSQL (one process, all four services) and the Web
 * UI server in front of it, then makes the namespace ready for Epic Shelter: registered, visible to
 * the frontend, carrying the migration search attributes. Used by `npm run cluster` and the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../api/search-attributes';
import { ensureClusterBinaries } from './cluster-build';
import { dynamicConfig, serverConfig, uiConfig, type ClusterDatabases, type ClusterPorts, type ClusterTls, type PostgresTarget } from './cluster-config';
import { prepareDatabases } from './cluster-schema';
import { waitForPort } from './dev-server';

export interface ClusterOptions {
  /** Generated configuration and the servers' logs (`server.log`, `ui.log`) go here. */
  dataDir: string;
  ip?: string;
  ports: ClusterPorts;
  postgres: PostgresTarget;
  databases: ClusterDatabases;
  namespace?: string;
  /** How long closed runs stay visible (default 7 days). */
  retentionDays?: number;
  tls?: ClusterTls;
  log?: (msg: string) => void;
}

export interface Cluster {
  /** The frontend, host:port. */
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Options for Connection.connect / NativeConnection.connect, TLS included when the frontend requires it. */
  connectOptions: ConnectionOptions;
  server: ChildProcess;
  ui?: ChildProcess;
  logs: { server: string; ui?: string };
  stop(): Promise<void>;
}

const SERVER_ENV = 'cluster';

/** Owner-only: the server's configuration holds the PostgreSQL password. */
function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

function spawnLogged(bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(bin, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

async function stopChild(child: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The server's last fatal or error log message, for a start that failed. */
function lastError(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').reverse();
    for (const line of lines) {
      const m = /"level":"(fatal|error)".*?"msg":"([^"]*)"(?:.*?"error":"([^"]*)")?/.exec(line);
      if (m) return `; last error in ${logFile}: ${m[2]}${m[3] ? `: ${m[3]}` : ''}`;
    }
  } catch {
    /* no log file yet */
  }
  return '';
}

/** Resolves when `check` succeeds; rethrows its last error at the deadline, or at once if `child` exits. */
async function until<T>(what: string, child: ChildProcess, timeoutMs: number, check: () => Promise<T>, logFile: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what}: it exited (code ${child.exitCode ?? child.signalCode})${lastError(logFile)}`);
    }
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}${lastError(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function clientTls(tls: ClusterTls): ConnectionOptions['tls'] {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.caFile),
    clientCertPair: { crt: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile) },
  };
}

/** Registers the namespace unless it exists; the frontend's namespace cache may take a few seconds to see a new one. */
async function ensureNamespace(connection: Connection, namespace: string, retentionDays: number): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (err) {
    if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) throw err;
  }
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) });
  } catch (err) {
    if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? (() => undefined);
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  const bins = ensureClusterBinaries(log);
  const dataDir = resolve(opts.dataDir);

  log(`preparing databases ${opts.databases.main} and ${opts.databases.visibility} on ${opts.postgres.host}:${opts.postgres.port}`);
  await prepareDatabases(bins.sqlTool, opts.postgres, opts.databases);

  const configDir = join(dataDir, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = join(configDir, 'dynamicconfig.yaml');
  writeJson(dynamicConfigFile, dynamicConfig());
  writeJson(join(configDir, `${SERVER_ENV}.yaml`), serverConfig({ ip, ports: opts.ports, postgres: opts.postgres, databases: opts.databases, dynamicConfigFile, tls: opts.tls }));

  const logs: Cluster['logs'] = { server: join(dataDir, 'server.log') };
  const server = spawnLogged(bins.server, ['--root', dataDir, '--config', 'config', '--env', SERVER_ENV, '--allow-no-auth', 'start'], logs.server);
  let ui: ChildProcess | undefined;
  const stop = async () => {
    await stopChild(ui);
    await stopChild(server);
  };
  try {
    const address = `${ip}:${opts.ports.frontend}`;
    const connectOptions: ConnectionOptions = { address, ...(opts.tls ? { tls: clientTls(opts.tls) } : {}) };
    log(`starting the Temporal server on ${address}`);
    const connection = await until('waiting for the frontend', server, 120_000, async () => {
      const c = await Connection.connect({ ...connectOptions, connectTimeout: 2_000 });
      try {
        await c.workflowService.getSystemInfo({});
        return c;
      } catch (err) {
        await c.close();
        throw err;
      }
    }, logs.server);
    try {
      await until(`registering namespace ${namespace}`, server, 60_000, () => ensureNamespace(connection, namespace, opts.retentionDays ?? 7), logs.server);
      // The frontend serves a new namespace once its namespace cache refreshes (up to ~10 s).
      await until(`namespace ${namespace} to be served`, server, 60_000, () => connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }), logs.server);
      if (!(await ensureSearchAttributes(connection, namespace))) throw new Error(`could not register the migration search attributes in ${namespace}`);
    } finally {
      await connection.close();
    }

    let uiUrl: string | undefined;
    if (opts.ports.ui) {
      const uiRoot = join(dataDir, 'ui');
      mkdirSync(join(uiRoot, 'config'), { recursive: true });
      writeJson(join(uiRoot, 'config', `${SERVER_ENV}.yaml`), uiConfig({ ip, port: opts.ports.ui, frontend: address, namespace, tls: opts.tls }));
      logs.ui = join(dataDir, 'ui.log');
      ui = spawnLogged(bins.uiServer, ['--root', uiRoot, '--config', 'config', '--env', SERVER_ENV, 'start'], logs.ui);
      const uiPort = opts.ports.ui;
      await until('waiting for the Web UI server', ui, 60_000, () => waitForPort(ip, uiPort, 500), logs.ui);
      uiUrl = `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${opts.ports.ui}`;
    }
    return { address, namespace, uiUrl, connectOptions, server, ui, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
