/**
 * The API process (api/main.ts) against a real Temporal dev server: its metrics port counts
 * requests by route pattern and status and times them, and its log lines are JSON.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, stopProcess } from '../../scripts/lib/processes';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { StopWaiting, waitFor } from '../support/wait';
import { createApp } from '../../api/app';
import type { SecurityConfig } from '../../api/middleware/config';
import { apiMetricsRegistry } from '../../api/middleware/metrics';
import { metricValue, parsePrometheus } from './prometheus';

let temporal: TestTemporal;
let apiProcess: ChildProcess;
let port: number;
let metricsPort: number;
const lines: string[] = [];

beforeAll(async () => {
  temporal = await startTestTemporal();
  port = await freePort();
  metricsPort = await freePort();
  apiProcess = spawnTs(
    'api/main.ts',
    { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: 'ops-api-metrics', PORT: String(port), API_METRICS_PORT: String(metricsPort), LOG_FORMAT: 'json' },
    ['ignore', 'pipe', 'inherit'],
  );
  apiProcess.stdout!.on('data', (d: Buffer) => lines.push(...d.toString('utf8').split('\n').filter(Boolean)));
  await waitFor(
    async () => {
      if (apiProcess.exitCode !== null) throw new StopWaiting(`the API exited (${apiProcess.exitCode}): ${lines.join('\n')}`);
      return (lines.some((l) => l.includes('API metrics on')) && lines.some((l) => l.includes('API listening'))) || undefined;
    },
    60_000,
    'the API to listen',
  );
});

afterAll(async () => {
  if (apiProcess) await stopProcess(apiProcess);
  await temporal?.stop();
});

const call = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);

describe('API metrics and logs', () => {
  it('counts requests by route pattern and status code, with latencies', async () => {
    expect((await call('/healthz')).status).toBe(200);
    expect((await call('/api/migrations')).status).toBe(200);
    expect((await call('/api/migrations/mig-ops-missing-1')).status).toBe(404);
    expect((await call('/api/migrations/mig-ops-missing-2')).status).toBe(404);
    const bad = await call('/api/migrations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bad.status).toBe(400);

    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const samples = parsePrometheus(await res.text());
    const count = (labels: Record<string, string>) => metricValue(samples, 'epic_shelter_api_requests_total', labels);
    expect(count({ method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/migrations', status: '200' })).toBe(1);
    // Both unknown ids under one series: the pattern, not the path.
    expect(count({ method: 'GET', route: '/api/migrations/:id', status: '404' })).toBe(2);
    expect(count({ method: 'POST', route: '/api/migrations', status: '400' })).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes('mig-ops-missing'))).toBe(false);
    expect(metricValue(samples, 'epic_shelter_api_request_duration_seconds_count', { route: '/api/migrations/:id' })).toBe(2);
    expect(metricValue(samples, 'epic_shelter_api_request_duration_seconds_bucket', { route: '/healthz', le: '+Inf' })).toBe(1);
    // Process metrics come along.
    expect(metricValue(samples, 'epic_shelter_api_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('labels an answer given by middleware (401) with the route the request was headed to', async () => {
    const token = 'ops-metrics-token-0123456789';
    const security: SecurityConfig = { tokens: [token], readTokens: [], corsOrigins: [], ratePerMin: 0, startsPerMin: 0 };
    const app = createApp({ client: temporal.client, connection: temporal.connection, taskQueue: 'ops-api-metrics', security });
    expect((await app.request('/api/migrations/mig-ops-401')).status).toBe(401);
    expect((await app.request('/api/migrations/mig-ops-401', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    const samples = parsePrometheus(await apiMetricsRegistry.metrics());
    expect(metricValue(samples, 'epic_shelter_api_requests_total', { method: 'GET', route: '/api/migrations/:id', status: '401' })).toBe(1);
    expect(metricValue(samples, 'epic_shelter_api_requests_total', { method: 'DELETE', route: 'unmatched', status: '404' })).toBe(1);
  });

  it('writes its log as JSON lines', () => {
    const listening = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => String(o.msg).startsWith('API listening'));
    expect(listening).toMatchObject({ level: 'info', service: 'api', port });
  });
});
