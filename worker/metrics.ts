/**
 * Worker metrics for Prometheus. The Temporal runtime serves them (its own `temporal_*` metrics and
 * ours) on WORKER_METRICS_PORT; ours go through each activity's metric meter, labelled with the
 * migration type (`source_type`, `destination_type`) besides the meter's own `activity_type`,
 * `namespace` and `task_queue`:
 *
 * - rows and bytes written: counted at the destination write (a metered connector cache), so they
 *   move batch by batch while a chunk copies;
 * - chunks completed, activity retries (attempts after the first) and errors (by failure type):
 *   from an activity interceptor that sees each activity's input, attempt and outcome.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context as ActivityContext } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure, type MetricCounter, type MetricHistogram } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptors, MetricsExporterConfig } from '@temporalio/worker';
import { ConnectorCache } from '../activities/connector-cache';
import { portSetting } from './config';
import type { DestinationConnector, Row, TextBatch } from '../connectors/types';

export const METRIC = {
  rows: 'epic_shelter_rows_written',
  bytes: 'epic_shelter_bytes_written',
  chunks: 'epic_shelter_chunks_completed',
  chunkDuration: 'epic_shelter_chunk_duration',
  retries: 'epic_shelter_activity_retries',
  errors: 'epic_shelter_activity_errors',
} as const;

export const WORKER_METRICS_PORT_DEFAULT = 9464;

/** Interface for the worker's HTTP endpoints (metrics, health): loopback unless WORKER_HTTP_HOST says otherwise. */
export function workerHttpHost(env: NodeJS.ProcessEnv): string {
  return env.WORKER_HTTP_HOST || '127.0.0.1';
}

/** WORKER_METRICS_PORT: default 9464, `0` turns the exporter off. A bad value stops the worker at start. */
export function workerMetricsPort(env: NodeJS.ProcessEnv): number {
  return portSetting(env, 'WORKER_METRICS_PORT', WORKER_METRICS_PORT_DEFAULT);
}


/** Runtime.install's metrics option: the Prometheus exporter on host:port. */
export function prometheusExporter(host: string, port: number): MetricsExporterConfig {
  return { prometheus: { bindAddress: `${host.includes(':') ? `[${host}]` : host}:${port}` } };
}

type MigrationType = { source_type: string; destination_type: string } & Record<string, string>;

/** The migration type an activity works for, from its input's endpoints (`none` where it names none). */
export function migrationTypeOf(arg: unknown): MigrationType {
  const a = (arg ?? {}) as { type?: unknown; source?: { type?: unknown }; destination?: { type?: unknown } };
  const name = (v: unknown) => (typeof v === 'string' && v ? v : 'none');
  // readSourceSchema takes the source endpoint itself.
  if (typeof a.type === 'string' && !a.source) return { source_type: name(a.type), destination_type: 'none' };
  return { source_type: name(a.source?.type), destination_type: name(a.destination?.type) };
}

interface ActivityMeters {
  tags: MigrationType;
  rows: MetricCounter;
  bytes: MetricCounter;
}

/** The running activity's meters, for the destination writes it makes. */
const current = new AsyncLocalStorage<ActivityMeters>();

function failureType(err: unknown): { error_type: string; retryable: string } {
  if (err instanceof CancelledFailure) return { error_type: 'cancelled', retryable: 'false' };
  if (err instanceof ApplicationFailure) return { error_type: err.type ?? 'Error', retryable: String(!err.nonRetryable) };
  return { error_type: err instanceof Error ? err.name : 'Error', retryable: 'true' };
}

class MigrationMetricsInbound implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: ActivityContext) {}

  async execute(input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0], next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1]): Promise<unknown> {
    const meter = this.ctx.metricMeter;
    const tags = migrationTypeOf(input.args[0]);
    const { attempt, activityType } = this.ctx.info;
    if (attempt > 1) meter.createCounter(METRIC.retries, 'attempts', 'Activity attempts after the first').add(1, tags);
    const meters: ActivityMeters = {
      tags,
      rows: meter.createCounter(METRIC.rows, 'rows', 'Rows written to destinations'),
      bytes: meter.createCounter(METRIC.bytes, 'bytes', 'Bytes of row data written to destinations'),
    };
    const started = Date.now();
    try {
      const result = await current.run(meters, () => next(input));
      if (activityType === 'copyChunk') {
        const ms = Date.now() - started;
        meter.createCounter(METRIC.chunks, 'chunks', 'Chunks copied to the end of their key range').add(1, tags);
        const duration: MetricHistogram = meter.createHistogram(METRIC.chunkDuration, 'int', 'ms', 'Time one chunk attempt took');
        duration.record(ms, tags);
        // One line a chunk at info level: a run's progress in the log, with its migration id.
        const chunk = (input.args[0] as { chunkIndex?: number }).chunkIndex;
        this.ctx.log.info('chunk copied', { chunk, rows: (result as { rows?: number }).rows, ms, ...tags });
      }
      return result;
    } catch (err) {
      const failure = failureType(err);
      meter.createCounter(METRIC.errors, 'errors', 'Activity attempts that failed').add(1, { ...tags, ...failure });
      // The message was scrubbed of secrets by the activity (activities/failures.ts).
      this.ctx.log.warn('activity attempt failed', { ...tags, ...failure, message: (err as Error)?.message });
      throw err;
    }
  }
}

/** Worker interceptor factory (WorkerOptions.interceptors.activity). */
export function migrationMetricsInterceptor(ctx: ActivityContext): ActivityInterceptors {
  return { inbound: new MigrationMetricsInbound(ctx) };
}

/** Bytes a decoded row page holds, roughly as its values would travel as text: cheap, no serialisation. */
export function rowBytes(rows: Row[]): number {
  let n = 0;
  for (const row of rows) {
    for (const v of row) {
      if (v === null) continue;
      if (typeof v === 'string') n += v.length;
      else if (v instanceof Uint8Array) n += v.byteLength;
      else n += 8;
    }
  }
  return n;
}

function recordWrite(rows: number, bytes: number): void {
  const m = current.getStore();
  if (!m) return;
  if (rows > 0) m.rows.add(rows, m.tags);
  if (bytes > 0) m.bytes.add(bytes, m.tags);
}

/** The destination, with every acknowledged write counted against the running activity's migration type. */
export function meteredDestination(dst: DestinationConnector): DestinationConnector {
  return new Proxy(dst, {
    get(target, prop, receiver) {
      if (prop === 'writeData') {
        return async (...args: Parameters<DestinationConnector['writeData']>) => {
          const written = await target.writeData(...args);
          recordWrite(written, rowBytes(args[2]));
          return written;
        };
      }
      if (prop === 'writeText' && target.writeText) {
        return async (...args: Parameters<NonNullable<DestinationConnector['writeText']>>) => {
          const written = await target.writeText!(...args);
          recordWrite(written, (args[2] as TextBatch).payload.byteLength);
          return written;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The worker's connector cache, handing out metered destinations. */
export class MeteredConnectorCache extends ConnectorCache {
  private readonly metered = new WeakMap<DestinationConnector, DestinationConnector>();

  override async destination(type: string, connection?: string): Promise<DestinationConnector> {
    const dst = await super.destination(type, connection);
    let m = this.metered.get(dst);
    if (!m) this.metered.set(dst, (m = meteredDestination(dst)));
    return m;
  }
}
