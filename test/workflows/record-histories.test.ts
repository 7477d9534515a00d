/**
 * Records the replay fixtures of a release: real runs of the workflow code as released, on a real
 * dev server, written to test/fixtures/histories/v<package.json version>/ (binary protobuf, as the
 * server returns them). Skipped unless RECORD_HISTORIES=1: recording is part of cutting a release,
 * and the fixtures of a release are never re-recorded by later code (replay.test.ts replays them).
 *
 *   RECORD_HISTORIES=1 npx vitest run test/workflows/record-histories.test.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
// The stack (and with it the API app) first: the connectors' request schemas need zod extended for OpenAPI.
import { type SeededStack, seededStack } from '../support/seeded-stack';
import { toMigrationInput } from '../../api/migration-input';
import { MigrationsService } from '../../api/migrations-service';
import { validateCreateMigration } from '../../api/schemas';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { waitForChunks, waitForStatus } from '../support/migrations';
import { toPostgres, withPostgres } from '../support/postgres';
import { api } from '../support/stack';
import { waitFor } from '../support/wait';

const ROWS = 3_000;
const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
const DIR = join(__dirname, '..', 'fixtures', 'histories', `v${version}`);
let ctx: SeededStack;

async function save(name: string, workflowId: string, runId?: string) {
  const history = await ctx.stack.temporal.client.workflow.getHandle(workflowId, runId).fetchHistory();
  writeFileSync(join(DIR, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
}

function hydrolix(name: string, dest: string, options: Record<string, unknown> = { chunk_rows: 1_000, parallelism: 2 }) {
  return { name, source_type: 'SINGLESTORE', source_config: { table: ctx.table }, destination_type: 'HYDROLIX', destination_config: { table: dest }, options };
}

async function start(body: Record<string, unknown>): Promise<string> {
  const res = await api(ctx.stack.app, 'POST', '/api/migrations', body);
  expect(res.status).toBe(201);
  return res.body.id;
}

describe.skipIf(process.env.RECORD_HISTORIES !== '1')(`release histories (v${version})`, () => {
  ctx = seededStack({ prefix: 'rec_hist', project: 'rec_hist', seed: (t) => seedSales(MARIADB_URL, ROWS, t) });

  it('records them', { timeout: 400_000 }, async () => {
    mkdirSync(DIR, { recursive: true });
    const state = ctx.stack.emulator.state;

    const full = await start(hydrolix('release full copy', 'rec_full'));
    await waitForStatus(ctx.stack, full, ['completed']);
    await save('full-hydrolix-3-chunks', full);

    const pgDest = uniqueName('rec_pg');
    await withPostgres([pgDest], async () => {
      const id = await start(toPostgres('release postgres copy', ctx.table, pgDest, { options: { chunk_rows: 1_000 } }));
      await waitForStatus(ctx.stack, id, ['completed']);
      await save('full-postgres-3-chunks', id);
    });

    // A failed run (the destination refuses every write), then its retry, which carries the state.
    state.injectFault({ status: 400, path: 'ingest' });
    const failed = await start(hydrolix('release failed run', 'rec_failed'));
    await waitForStatus(ctx.stack, failed, ['failed']);
    await save('failed-run', failed);
    state.clearFaults();
    expect((await api(ctx.stack.app, 'POST', `/api/migrations/${failed}/retry`)).status).toBe(202);
    await waitForStatus(ctx.stack, failed, ['completed']);
    await save('retried-run-carried-state', failed);

    // A run cancelled mid-copy.
    state.setDelay({ ms: 300, path: 'ingest' });
    const cancelled = await start(hydrolix('release cancelled run', 'rec_cancelled', { chunk_rows: 1_000, batch_rows: 100, parallelism: 1 }));
    await waitForChunks(ctx.stack, cancelled, 1);
    expect((await api(ctx.stack.app, 'POST', `/api/migrations/${cancelled}/cancel`)).status).toBe(202);
    await waitForStatus(ctx.stack, cancelled, ['cancelled']);
    state.clearDelays();
    await save('cancelled-run', cancelled);

    // A run that continues as new after every two chunks (chunksPerRun is not an API option).
    const parsed = validateCreateMigration(hydrolix('release continue-as-new', 'rec_can', { chunk_rows: 500, parallelism: 1 }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const input = toMigrationInput(parsed.value, new MigrationsService(ctx.stack.temporal.client, ctx.stack.taskQueue).newId(), new Date().toISOString());
    input.options.chunksPerRun = 2;
    await new MigrationsService(ctx.stack.temporal.client, ctx.stack.taskQueue).start(input);
    await waitForStatus(ctx.stack, input.migrationId, ['completed']);
    const runs: Array<{ runId: string; start: number }> = [];
    for await (const r of ctx.stack.temporal.client.workflow.list({ query: `WorkflowId = '${input.migrationId}'` })) runs.push({ runId: r.runId, start: r.startTime.getTime() });
    runs.sort((a, b) => a.start - b.start);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    await save('continue-as-new-first-run', input.migrationId, runs[0].runId);
    await save('continue-as-new-middle-run', input.migrationId, runs[1].runId);
    await save('continue-as-new-last-run', input.migrationId, runs[runs.length - 1].runId);

    // An incremental migration run by its schedule (the last step moves the schedule's mark).
    const created = await api(ctx.stack.app, 'POST', '/api/schedules', {
      name: 'release hourly incremental',
      spec: { interval: '1h' },
      paused: true,
      migration: hydrolix('release incremental', 'rec_incremental', { mode: 'incremental', cursor_column: 'date', chunk_rows: 1_000 }),
    });
    expect(created.status).toBe(201);
    const scheduleId = created.body.id as string;
    expect((await api(ctx.stack.app, 'POST', `/api/schedules/${scheduleId}/trigger`)).status).toBe(202);
    const runId = await waitFor(
      async () => {
        const s = (await api(ctx.stack.app, 'GET', `/api/schedules/${scheduleId}`)).body;
        const r = (s.recent_runs as Array<{ migration_id: string; status: string }>)[0];
        return r?.status === 'completed' ? r.migration_id : undefined;
      },
      120_000,
      'the scheduled run',
      300,
    );
    await save('incremental-schedule-run', runId);
    expect((await api(ctx.stack.app, 'DELETE', `/api/schedules/${scheduleId}`)).status).toBe(204);
  });
});
