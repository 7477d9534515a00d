/**
 * What the Temporal Web UI and CLI show about a migration run, read back from a real dev server the
 * way they read it: the run's static summary and details (describe), its search attributes (and a
 * visibility query on them, as `temporal workflow list --query` runs it), each activity's summary
 * (history), query descriptions and current details (the `__temporal_workflow_metadata` query the
 * UI sends), and a Hydrolix 503 outage in the current details while it lasts.
 */
import { execFileSync } from 'node:child_process';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { ensureTemporalCli } from '../../scripts/lib/temporal-cli';
import { SEARCH_ATTRIBUTES } from '../../workflows/published';
import { MARIADB_URL } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { seededStack } from '../support/seeded-stack';
import { api, EMULATOR_USER } from '../support/stack';
import { waitFor } from '../support/wait';

const ROWS = 6_000;
const project = 'meta_test';
const ctx = seededStack({ prefix: 'meta_sales', project, seed: (t) => seedSales(MARIADB_URL, ROWS, t) });

interface WorkflowMetadata {
  definition?: { queryDefinitions?: Array<{ name?: string; description?: string }>; signalDefinitions?: Array<{ name?: string; description?: string }> };
  currentDetails?: string;
}

const metadataOf = (client: Client, id: string) => client.workflow.getHandle(id).query<WorkflowMetadata>('__temporal_workflow_metadata');

async function start(name: string, dest: string, options: Record<string, unknown>) {
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name,
    source_type: 'SINGLESTORE',
    source_config: { table: ctx.table, query: `SELECT * FROM ${ctx.table} WHERE id > 0` },
    destination_type: 'HYDROLIX',
    destination_config: { table: dest },
    options,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('chunk grid', () => {
  it('GET shows each chunk pending, copying (rows from its heartbeat) or done (rows copied)', { timeout: 120_000 }, async () => {
    ctx.stack.emulator.state.setDelay({ ms: 100, path: 'ingest' });
    const id = await start('Meta Grid', 'meta_grid', { chunk_rows: 2_000, batch_rows: 200, parallelism: 1 });
    try {
      const mid = await waitFor(
        async () => {
          const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
          const chunks = s.chunks as Array<{ index: number; status: string; rows: number }> | null;
          return chunks?.[0]?.status === 'done' && chunks[1].status === 'copying' && chunks[1].rows > 0 ? chunks : undefined;
        },
        60_000,
        'chunk 1 done and chunk 2 copying',
        100,
      );
      expect(mid).toHaveLength(3);
      expect(mid[0]).toEqual({ index: 0, status: 'done', rows: 2_000 });
      expect(mid[2]).toEqual({ index: 2, status: 'pending', rows: 0 });
    } finally {
      ctx.stack.emulator.state.clearDelays();
    }
    await waitForStatus(ctx.stack, id, ['completed']);
    const done = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
    expect(done.chunks).toEqual([0, 1, 2].map((index) => ({ index, status: 'done', rows: 2_000 })));
    // Lists leave it out.
    const list = (await api(ctx.stack.app, 'GET', '/api/migrations?page_size=200')).body;
    expect(list.migrations.find((m: { id: string }) => m.id === id).chunks).toBeUndefined();
  });
});

describe('run metadata', () => {
  it('carries a summary, details, search attributes, activity summaries and described queries', { timeout: 180_000 }, async () => {
    const { client } = ctx.stack.temporal;
    const id = await start('Meta Sales Copy', 'meta_sales_copy', { chunk_rows: 2_000, parallelism: 2 });
    await waitForStatus(ctx.stack, id, ['completed']);
    const handle = client.workflow.getHandle(id);
    const desc = await handle.describe();

    expect(await desc.staticSummary()).toBe(`Meta Sales Copy: SINGLESTORE ${ctx.table} → HYDROLIX meta_sales_copy`);
    const details = (await desc.staticDetails()) ?? '';
    expect(details).toContain(`SELECT * FROM ${ctx.table} WHERE id > 0`);
    expect(details).toContain('**Destination** HYDROLIX table `meta_sales_copy`');
    expect(details).toContain('parallelism 2, chunk_rows 2000');
    expect(details).not.toContain(EMULATOR_USER.password);

    const attrs = desc.typedSearchAttributes;
    expect(attrs.get(SEARCH_ATTRIBUTES.status)).toBe('completed');
    expect(attrs.get(SEARCH_ATTRIBUTES.sourceType)).toBe('SINGLESTORE');
    expect(attrs.get(SEARCH_ATTRIBUTES.destinationType)).toBe('HYDROLIX');
    expect(attrs.get(SEARCH_ATTRIBUTES.sourceTable)).toBe(ctx.table);
    expect(attrs.get(SEARCH_ATTRIBUTES.destinationTable)).toBe('meta_sales_copy');

    // What `temporal workflow list --query "MigrationStatus='completed' AND SourceType='SINGLESTORE' ..."` runs.
    const query = `MigrationStatus = 'completed' AND SourceType = 'SINGLESTORE' AND SourceTable = '${ctx.table}' AND DestinationTable = 'meta_sales_copy'`;
    const found = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query })) ids.push(w.workflowId);
        return ids.includes(id) ? ids : undefined;
      },
      30_000,
      'the run in a visibility query on its search attributes',
    );
    expect(found).toEqual([id]);
    const cli = execFileSync(ensureTemporalCli(), ['workflow', 'list', '--address', ctx.stack.temporal.address, '--query', query, '--output', 'json'], { encoding: 'utf8' });
    expect((JSON.parse(cli) as Array<{ execution: { workflowId: string } }>).map((w) => w.execution.workflowId)).toEqual([id]);
    const { count: failedCount } = await client.workflow.count(`MigrationStatus = 'failed' AND SourceTable = '${ctx.table}'`);
    expect(failedCount).toBe(0);

    // Activity summaries: each chunk names its place and key range; the steps their names.
    const history = await handle.fetchHistory();
    const summaries: string[] = [];
    for (const e of history.events ?? []) {
      const payload = e.userMetadata?.summary;
      if (payload) summaries.push(defaultPayloadConverter.fromPayload<string>(payload));
    }
    const chunks = summaries.filter((s) => s.startsWith('chunk '));
    expect(chunks).toHaveLength(3);
    expect(chunks).toContain('chunk 1 of 3, key range (start, 2000]');
    expect(chunks).toContain('chunk 3 of 3, key range (4000, end)');
    expect(summaries).toEqual(expect.arrayContaining(['Finish the destination table and count it']));

    const meta = await metadataOf(client, id);
    const queries = Object.fromEntries((meta.definition?.queryDefinitions ?? []).map((q) => [q.name, q.description]));
    expect(queries.progress).toMatch(/rows/);
    expect(queries.resume).toMatch(/retry/);
    expect(meta.definition?.signalDefinitions?.map((s) => s.name)).toContain('news');
    expect(meta.currentDetails).toContain('**Completed**');
    expect(meta.currentDetails).toContain(`6,000 of 6,000 rows copied`);
  });

  it('a schedule carries its name in its action summary, and each run it starts carries it and its ScheduleId', { timeout: 120_000 }, async () => {
    const { client } = ctx.stack.temporal;
    const created = await api(ctx.stack.app, 'POST', '/api/schedules', {
      name: 'Nightly meta copy',
      spec: { interval: '1h' },
      paused: true,
      migration: { name: 'Meta nightly', source_type: 'SINGLESTORE', source_config: { table: ctx.table }, destination_type: 'HYDROLIX', destination_config: { table: 'meta_nightly' } },
    });
    expect(created.status).toBe(201);
    const scheduleId = created.body.id as string;
    const summary = `Nightly meta copy (schedule): Meta nightly: SINGLESTORE ${ctx.table} → HYDROLIX meta_nightly`;
    const schedule = await client.schedule.getHandle(scheduleId).describe();
    expect(schedule.action.type === 'startWorkflow' && schedule.action.staticSummary).toBe(summary);
    expect((await api(ctx.stack.app, 'POST', `/api/schedules/${scheduleId}/trigger`)).status).toBe(202);
    const runId = await waitFor(
      async () => (await api(ctx.stack.app, 'GET', `/api/schedules/${scheduleId}`)).body.recent_runs?.[0]?.migration_id as string | undefined,
      30_000,
      'the triggered run',
    );
    await waitForStatus(ctx.stack, runId, ['completed']);
    const desc = await client.workflow.getHandle(runId).describe();
    expect(await desc.staticSummary()).toBe(summary);
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.scheduleId)).toBe(scheduleId);
    expect((await api(ctx.stack.app, 'DELETE', `/api/schedules/${scheduleId}`)).status).toBe(204);
  });

  it('says in its current details that Hydrolix answers 503 while the outage lasts, and stops saying it after', { timeout: 180_000 }, async () => {
    const { client } = ctx.stack.temporal;
    const outageMs = 12_000;
    ctx.stack.emulator.state.injectFault({ status: 503, path: 'ingest', durationMs: outageMs, retryAfterSeconds: 2 });
    const id = await start('Meta Outage', 'meta_outage', { chunk_rows: 3_000, parallelism: 1 });
    const during = await waitFor(
      async () => {
        const d = (await metadataOf(client, id).catch(() => undefined))?.currentDetails;
        return d && /Hydrolix ingest into meta_test\.meta_outage answering 503, retrying in 2 s/.test(d) ? d : undefined;
      },
      outageMs,
      'the outage in the current details',
      200,
    );
    expect(during).toContain('**Copying**');
    await waitForStatus(ctx.stack, id, ['completed'], 120_000);
    const after = (await metadataOf(client, id)).currentDetails ?? '';
    expect(after).toContain('**Completed**');
    expect(after).not.toContain('503');
  });
});
