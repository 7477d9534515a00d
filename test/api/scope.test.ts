/**
 * The API acts only on Epic Shelter's own workflows and schedules: migrationWorkflow runs on
 * its task queue. Anything else in the namespace (whatever its id) is a 404, and is left alone.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../api/app';
import '../../connectors';
import { MIGRATION_WORKFLOW } from '../../workflows/types';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { waitFor } from '../support/wait';

const QUEUE = 'scope-test';
let temporal: TestTemporal;
let app: ReturnType<typeof createApp>;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
};

/** A workflow nobody runs (no worker polls these queues): it stays RUNNING until terminated. */
async function startForeign(id: string, type: string, taskQueue: string) {
  await temporal.client.workflow.start(type, { workflowId: id, taskQueue, args: [{}] });
  return temporal.client.workflow.getHandle(id);
}

async function cancelRequested(id: string): Promise<boolean> {
  const history = await temporal.client.workflow.getHandle(id).fetchHistory();
  return (history.events ?? []).some((e) => e.workflowExecutionCancelRequestedEventAttributes);
}

beforeAll(async () => {
  temporal = await startTestTemporal();
  app = createApp({ client: temporal.client, connection: temporal.connection, taskQueue: QUEUE });
});
afterAll(async () => temporal?.stop());

describe('workflows that are not our migrations', () => {
  it.each([
    ['another workflow type with a migration-like id', 'mig-00000000-0000-0000-0000-000000000001', 'billingWorkflow', QUEUE],
    ['a migrationWorkflow on another task queue', 'mig-00000000-0000-0000-0000-000000000002', MIGRATION_WORKFLOW, 'someone-elses-queue'],
  ])('%s: GET and cancel answer 404 and cancel nothing', async (_label, id, type, queue) => {
    const handle = await startForeign(id, type, queue);
    expect((await call('GET', `/api/migrations/${id}`)).status).toBe(404);
    const cancel = await call('POST', `/api/migrations/${id}/cancel`);
    expect(cancel.status).toBe(404);
    expect(cancel.text).toContain('no migration');
    expect(await cancelRequested(id)).toBe(false);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const list = JSON.parse((await call('GET', '/api/migrations')).text) as { migrations: Array<{ id: string }> };
    expect(list.migrations.map((m) => m.id)).not.toContain(id);
    await handle.terminate('test cleanup');
  });

  it('retry of a closed workflow that is not a migration answers 404, not 500 with an internal message', async () => {
    const id = 'mig-00000000-0000-0000-0000-000000000003';
    const handle = await startForeign(id, 'billingWorkflow', QUEUE);
    await handle.terminate('closed so that it looks retryable');
    const res = await call('POST', `/api/migrations/${id}/retry`);
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/query|deadline|grpc|worker/i);
  });
});

describe('retry of our own migrations', () => {
  const input = (id: string) => ({
    migrationId: id,
    name: 'scope retry probe',
    createdAt: new Date().toISOString(),
    source: { type: 'SINGLESTORE', spec: { table: 'scope_src' } },
    destination: { type: 'POSTGRES', spec: { table: 'scope_dst' } },
    options: {},
  });

  it('answers 409 with a plain message when the migration is not failed or cancelled', async () => {
    const id = 'mig-00000000-0000-0000-0000-000000000004';
    const handle = await temporal.client.workflow.start(MIGRATION_WORKFLOW, { workflowId: id, taskQueue: QUEUE, args: [input(id)] });
    const res = await call('POST', `/api/migrations/${id}/retry`);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.text)).toEqual({ error: 'only failed or cancelled migrations can be retried; this one is pending' });
    await handle.terminate('test cleanup');
  });

  it('answers 503 with a plain message when no worker can give the last run’s state (detail only in the log)', async () => {
    const id = 'mig-00000000-0000-0000-0000-000000000005';
    const handle = await temporal.client.workflow.start(MIGRATION_WORKFLOW, { workflowId: id, taskQueue: QUEUE, args: [input(id)] });
    await handle.terminate('failed run');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await call('POST', `/api/migrations/${id}/retry`);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.text)).toEqual({ error: "cannot read the last run's state: no worker answered (is a worker running?)" });
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
    // No new run was started.
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });
});

describe('schedules that are not Epic Shelter’s', () => {
  it('are not listed, shown, triggered, paused or deleted', async () => {
    const foreign = [
      { scheduleId: 'sched-foreign-type', workflowType: 'billingWorkflow', taskQueue: QUEUE },
      { scheduleId: 'sched-foreign-queue', workflowType: MIGRATION_WORKFLOW, taskQueue: 'someone-elses-queue' },
    ];
    for (const f of foreign) {
      await temporal.client.schedule.create({
        scheduleId: f.scheduleId,
        spec: { intervals: [{ every: '1h' }] },
        action: { type: 'startWorkflow', workflowType: f.workflowType, taskQueue: f.taskQueue, args: [{}] },
        state: { paused: true },
      });
    }
    await waitFor(async () => {
      let n = 0;
      for await (const _ of temporal.client.schedule.list()) n++;
      return n >= foreign.length ? true : undefined;
    }, 15_000, 'the schedules to be listed');
    const list = JSON.parse((await call('GET', '/api/schedules')).text) as { schedules: Array<{ id: string }> };
    expect(list.schedules).toEqual([]);
    for (const { scheduleId: id } of foreign) {
      expect((await call('GET', `/api/schedules/${id}`)).status).toBe(404);
      expect((await call('POST', `/api/schedules/${id}/trigger`)).status).toBe(404);
      expect((await call('POST', `/api/schedules/${id}/unpause`)).status).toBe(404);
      expect((await call('POST', `/api/schedules/${id}/backfill`, { start: '2025-01-01T00:00:00Z', end: '2025-01-01T03:00:00Z' })).status).toBe(404);
      expect((await call('PATCH', `/api/schedules/${id}`, { name: 'taken over' })).status).toBe(404);
      expect((await call('DELETE', `/api/schedules/${id}`)).status).toBe(404);
      const desc = await temporal.client.schedule.getHandle(id).describe();
      expect(desc.state.paused).toBe(true);
      expect(desc.info.numActionsTaken).toBe(0);
    }
  });
});
