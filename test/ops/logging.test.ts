/**
 * The structured log: settings, secrets replaced in every form a line can carry them, the run's
 * fields from Temporal's log metadata and from the activity context, the pretty format.
 */
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { activityLogFields, createLogger, logSettings, routeConsole, TemporalLogAdapter } from '../../worker/logging';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRET_ENV = {
  HYDROLIX_PASSWORD: 'hx-Pa55-in-env',
  SINGLESTORE_URL: 'mysql://etl:url-Pa55word@db.internal:3306/sales',
  API_TOKENS: 'tok-aaaaaaaaaaaaaaaa',
  WEIRD_SECRET: 'quote"and\\slash',
  LOG_FORMAT: 'json',
};

describe('log settings', () => {
  it('defaults to info, JSON off a terminal and pretty on one', () => {
    expect(logSettings({}, false)).toEqual({ level: 'info', format: 'json' });
    expect(logSettings({}, true)).toEqual({ level: 'info', format: 'pretty' });
    expect(logSettings({ LOG_FORMAT: 'json', LOG_LEVEL: 'DEBUG' }, true)).toEqual({ level: 'debug', format: 'json' });
  });

  it('refuses a level or format it does not know, naming the variable', () => {
    expect(() => logSettings({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => logSettings({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});

describe('secrets in log lines', () => {
  it('replaces env secrets, URL passwords and JSON-escaped secrets wherever they appear', () => {
    const out = sink();
    const logger = createLogger(SECRET_ENV, { service: 'worker', destination: out.stream });
    logger.warn({ url: SECRET_ENV.SINGLESTORE_URL, detail: `password=${SECRET_ENV.HYDROLIX_PASSWORD}` }, `login failed for ${SECRET_ENV.API_TOKENS}`);
    logger.error({ other: 'postgres://app:not-in-env-Pa55@pg:5432/x' }, `odd ${SECRET_ENV.WEIRD_SECRET}`);
    logger.info(`bare password ${'url-Pa55word'}`);
    const all = out.lines.join('\n');
    for (const s of ['hx-Pa55-in-env', 'url-Pa55word', 'tok-aaaaaaaaaaaaaaaa', 'not-in-env-Pa55', 'quote\\"and\\\\slash']) expect(all).not.toContain(s);
    const [first, second] = out.json();
    expect(first).toMatchObject({ level: 'warn', service: 'worker', msg: 'login failed for ***', url: '***', detail: 'password=***' });
    expect(second).toMatchObject({ other: 'postgres://app:***@pg:5432/x', msg: 'odd ***' });
    expect(out.json()[2].msg).toBe('bare password ***');
  });
});

describe('the run on every line', () => {
  it('maps Temporal log metadata to migration_id, workflow_id and snake_case fields', () => {
    const out = sink();
    const adapter = new TemporalLogAdapter(createLogger({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' }, { service: 'worker', destination: out.stream }));
    adapter.info('Activity completed', { workflowId: 'mig-123', runId: 'r1', activityType: 'copyChunk', taskQueue: 'q', attempt: 2, durationMs: 5 });
    adapter.debug('Workflow started', { workflowId: 'sched-9-2026-01-01T00:00:00Z', workflowType: 'migrationWorkflow' });
    adapter.warn('core says', { sdkComponent: 'worker' });
    adapter.info('chunk copied', { workflowId: 'mig-7', workflowRunId: 'r7', activityId: 'chunk-0', isLocal: false });
    const [a, w, core, chunk] = out.json();
    expect(chunk).toMatchObject({ migration_id: 'mig-7', run_id: 'r7', activity_id: 'chunk-0', is_local: false });
    expect(chunk).not.toHaveProperty('workflowRunId');
    expect(a).toMatchObject({ level: 'info', msg: 'Activity completed', migration_id: 'mig-123', workflow_id: 'mig-123', run_id: 'r1', activity_type: 'copyChunk', task_queue: 'q', attempt: 2, durationMs: 5 });
    expect(w).toMatchObject({ level: 'debug', migration_id: 'sched-9-2026-01-01T00:00:00Z', workflow_type: 'migrationWorkflow' });
    expect(core).toMatchObject({ level: 'warn', sdk_component: 'worker' });
    expect(core.migration_id).toBeUndefined();
  });

  describe('console output', () => {
    const saved = { ...console };
    afterEach(() => Object.assign(console, saved));

    it('carries the activity\'s run when it is written inside an activity, and nothing outside', async () => {
      const out = sink();
      routeConsole(createLogger({ LOG_FORMAT: 'json' }, { service: 'worker', destination: out.stream }));
      const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'mig-abc', runId: 'run-1' }, activityType: 'copyChunk', attempt: 3 });
      await env.run(async () => {
        await new Promise((r) => setTimeout(r, 1));
        console.warn('[hydrolix] ingest at %s: HTTP %d', 'host', 503);
      });
      console.error('outside');
      expect(activityLogFields()).toEqual({});
      const [inside, outside] = out.json();
      expect(inside).toMatchObject({ level: 'warn', msg: '[hydrolix] ingest at host: HTTP 503', migration_id: 'mig-abc', workflow_id: 'mig-abc', run_id: 'run-1', activity_type: 'copyChunk', attempt: 3 });
      expect(outside).toMatchObject({ level: 'error', msg: 'outside' });
      expect(outside.migration_id).toBeUndefined();
    });
  });
});

describe('pretty format', () => {
  it('writes time, level, message and the fields on one line, secrets replaced', () => {
    const out = sink();
    const logger = createLogger({ ...SECRET_ENV, LOG_FORMAT: 'pretty' }, { service: 'api', destination: out.stream });
    logger.info({ migration_id: 'mig-1', rows: 10 }, `copied with ${SECRET_ENV.HYDROLIX_PASSWORD}`);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  copied with \*\*\* migration_id=mig-1 rows=10$/);
  });
});
