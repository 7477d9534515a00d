/**
 * The API's structured log (worker/logging.ts: LOG_LEVEL, LOG_FORMAT, secrets replaced). Its
 * console output — the error lines of the middleware and services — goes through it, as JSON.
 */
import { createLogger, routeConsole, type Logger } from '../worker/logging';

export function apiLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const logger = createLogger(env, { service: 'api' });
  routeConsole(logger, () => ({}));
  return logger;
}
