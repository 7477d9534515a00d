/** Worker/API process settings from the environment (connection secrets are read by connectors, not here). */
import { TASK_QUEUE_DEFAULT } from '../workflows/types';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || TASK_QUEUE_DEFAULT,
  };
}
