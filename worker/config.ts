/** Worker/API process settings from the environment (connection secrets are read by connectors, not here). */
import { existsSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { TASK_QUEUE_DEFAULT } from '../workflows/types';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** What Connection.connect / NativeConnection.connect take: address plus TLS and API key when configured. */
  connectOptions: { address: string; tls?: TLSConfig | boolean; apiKey?: string; metadata?: Record<string, string> };
}

/**
 * The Temporal connection as every Temporal SDK and the `temporal` CLI read it (@temporalio/envconfig):
 * a profile from the TOML file (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml;
 * TEMPORAL_PROFILE, else `default`), overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME and TEMPORAL_GRPC_META_*. Without
 * any of them: 127.0.0.1:7233, namespace `default`, no TLS. The task queue is ours: TEMPORAL_TASK_QUEUE.
 */
export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  // An empty variable means unset, as it always has here (envconfig would take '' as a value).
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  // envconfig skips a missing file silently; a file named explicitly must exist.
  if (vars.TEMPORAL_CONFIG_FILE && !existsSync(vars.TEMPORAL_CONFIG_FILE)) {
    throw new Error(`TEMPORAL_CONFIG_FILE names a missing file: ${vars.TEMPORAL_CONFIG_FILE}`);
  }
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: vars });
  } catch (err) {
    throw new Error(`Temporal connection settings: ${(err as Error).message}`);
  }
  const { connectionOptions: c, namespace } = loaded;
  const address = c.address || DEFAULT_TEMPORAL_ADDRESS;
  const connectOptions: TemporalSettings['connectOptions'] = { address };
  if (c.tls !== undefined) connectOptions.tls = c.tls as TLSConfig | boolean;
  if (c.apiKey) connectOptions.apiKey = c.apiKey as string;
  if (c.metadata && Object.keys(c.metadata).length > 0) connectOptions.metadata = c.metadata as Record<string, string>;
  return {
    address,
    namespace: namespace || 'default',
    taskQueue: vars.TEMPORAL_TASK_QUEUE || TASK_QUEUE_DEFAULT,
    connectOptions,
  };
}

/** Upper bound of WORKER_MAX_CONCURRENT_COPIES (README, "Bounds"). */
export const MAX_CONCURRENT_COPIES = 64;

/** Activities (chunk copies) one worker runs at once: WORKER_MAX_CONCURRENT_COPIES, default 8, 1..64. A bad value stops the worker at start. */
export function maxConcurrentCopies(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WORKER_MAX_CONCURRENT_COPIES;
  if (raw === undefined || raw === '') return 8;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENT_COPIES) {
    throw new Error(`WORKER_MAX_CONCURRENT_COPIES must be a whole number from 1 to ${MAX_CONCURRENT_COPIES}, got "${raw}"`);
  }
  return n;
}

/** A port from the environment: a whole number 0..65535, `0` turning the endpoint off. */
export function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0 turns it off), got "${raw}"`);
  return n;
}
