/** Worker/API process settings from the environment (connection secrets are read by connectors, not here). */
import { TASK_QUEUE_DEFAULT } from '../workflows/types';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** What Connection.connect / NativeConnection.connect take: address plus TLS and API key when configured. */
  connectOptions: { address: string; tls?: unknown; apiKey?: string; metadata?: Record<string, string> };
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || TASK_QUEUE_DEFAULT,
    connectOptions: { address },
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
