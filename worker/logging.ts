/**
 * Structured logs (pino) for the worker and the API: one JSON object a line (or a readable line
 * with LOG_FORMAT=pretty), secrets replaced before a line is written. Inside an activity every line
 * carries the run it belongs to (`migration_id` = the workflow id, `workflow_id`, `run_id`,
 * `activity_type`, `attempt`), whether it came from the Temporal SDK's logger, the runtime's own
 * (Rust core) logs or a plain `console.warn` in a connector.
 */
import { Writable } from 'node:stream';
import { format } from 'node:util';
import { asyncLocalStorage as activityContext } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import pino, { type Level, type Logger } from 'pino';
import { createRedactor, secretsFromEnv } from '../activities/redact';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  level: Level | 'silent';
  format: LogFormat;
}

/** LOG_LEVEL (default info) and LOG_FORMAT (json, or pretty on a terminal). A bad value stops the process at start. */
export function logSettings(env: NodeJS.ProcessEnv, isTTY = Boolean(process.stdout.isTTY)): LogSettings {
  const level = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const fmt = env.LOG_FORMAT || (isTTY ? 'pretty' : 'json');
  if (fmt !== 'json' && fmt !== 'pretty') throw new Error(`LOG_FORMAT must be json or pretty, got "${env.LOG_FORMAT}"`);
  return { level: level as LogSettings['level'], format: fmt };
}

/** `scheme://user:password@` in any URL, whether or not the worker knows that password. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@"'\\]*):[^@/\s"'\\]+@/gi;

/**
 * Replaces every secret the environment holds (activities/redact.ts), also as it appears inside a
 * JSON string, and the password of any URL.
 */
export function logRedactor(env: NodeJS.ProcessEnv): (line: string) => string {
  const secrets = new Set<string>();
  for (const s of secretsFromEnv(env)) {
    secrets.add(s);
    secrets.add(JSON.stringify(s).slice(1, -1));
  }
  const redact = createRedactor([...secrets].sort((a, b) => b.length - a.length));
  return (line) => redact(line).replace(URL_CREDENTIALS, '$1:***@');
}

export interface LoggerOptions {
  service: 'worker' | 'api';
  /** Where lines go (default stdout). */
  destination?: NodeJS.WritableStream;
  isTTY?: boolean;
}

export function createLogger(env: NodeJS.ProcessEnv, opts: LoggerOptions): Logger {
  const settings = logSettings(env, opts.isTTY);
  const out: NodeJS.WritableStream = opts.destination ?? (pino.destination({ dest: 1, sync: true }) as unknown as NodeJS.WritableStream);
  const redact = logRedactor(env);
  return pino(
    {
      level: settings.level,
      base: { service: opts.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redact },
    },
    settings.format === 'pretty' ? prettyStream(out) : out,
  );
}

const PRETTY_SKIPPED = new Set(['level', 'time', 'msg', 'pid', 'service']);

/** LOG_FORMAT=pretty: `12:00:01.234 INFO  message key=value …`, for people at a terminal. */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const o = JSON.parse(line) as Record<string, unknown>;
          const time = typeof o.time === 'string' ? o.time.slice(11, 23) : '';
          const fields = Object.entries(o)
            .filter(([k]) => !PRETTY_SKIPPED.has(k))
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
          out.write(`${time} ${String(o.level).toUpperCase().padEnd(5)} ${o.msg ?? ''}${fields.length ? ` ${fields.join(' ')}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

/** The run an activity belongs to, from the activity's context; empty outside activities. */
export function activityLogFields(): Record<string, unknown> {
  const ctx = activityContext.getStore();
  if (!ctx) return {};
  const { info } = ctx;
  const workflowId = info.workflowExecution?.workflowId;
  return {
    ...(workflowId ? { migration_id: workflowId, workflow_id: workflowId, run_id: info.workflowExecution?.runId } : {}),
    activity_type: info.activityType,
    activity_id: info.activityId,
    attempt: info.attempt,
  };
}

/** Temporal's log metadata keys, as the log's fields are named. */
const TEMPORAL_FIELDS: Record<string, string> = {
  workflowId: 'workflow_id',
  runId: 'run_id',
  workflowRunId: 'run_id',
  workflowType: 'workflow_type',
  activityId: 'activity_id',
  activityType: 'activity_type',
  taskQueue: 'task_queue',
  namespace: 'namespace',
  attempt: 'attempt',
  sdkComponent: 'sdk_component',
  isLocal: 'is_local',
  taskToken: '',
};

function fieldsOf(meta: LogMetadata | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta ?? {})) {
    const name = k in TEMPORAL_FIELDS ? TEMPORAL_FIELDS[k] : k;
    if (!name) continue;
    out[name] = v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v;
  }
  // A migration's workflow id is its migration id (mig-…, or a schedule's sched-…-<time>).
  if (typeof out.workflow_id === 'string') out.migration_id = out.workflow_id;
  return out;
}

const PINO_LEVEL: Record<LogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** Runtime.install's logger: the SDK's, the workflows' and activities' `log`, and forwarded core logs. */
export class TemporalLogAdapter implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.logger[PINO_LEVEL[level] ?? 'info'](fieldsOf(meta), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** The core's log filter for a pino level (core has no fatal or silent). */
export function coreLogLevel(level: LogSettings['level']): LogLevel {
  if (level === 'fatal' || level === 'silent') return 'ERROR';
  return level.toUpperCase() as LogLevel;
}

/**
 * Sends console.* through the logger, so code that logs with console (connectors, middleware)
 * writes structured, redacted lines, with the run's fields when it runs inside an activity.
 */
export function routeConsole(logger: Logger, context: () => Record<string, unknown> = activityLogFields): void {
  const to = (level: Level) => (...args: unknown[]) => logger[level](context(), format(...args));
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
  console.warn = to('warn');
  console.error = to('error');
}
