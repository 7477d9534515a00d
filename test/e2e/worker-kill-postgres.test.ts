/**
 * The packed-text path into PostgreSQL (row packets kept as they arrive, COPY BINARY, the key
 * built after the load) against a real crash: the worker process is SIGKILLed mid-copy, a new
 * one finishes the run, and PostgreSQL holds every row exactly once under its primary key,
 * with no finished chunk copied again.
 */
import { expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { stopProcess, waitForExit } from '../../scripts/lib/processes';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { waitForChunks, waitForStatus } from '../support/migrations';
import { toPostgres, withPostgres } from '../support/postgres';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';

const ROWS = 300_000;
const CHUNK = 10_000;
const ctx = seededStack({ prefix: 'es_kill_pg', project: 'kill_pg', seed: (t) => seedSales(MARIADB_URL, ROWS, t), inProcessWorker: false });
const dest = uniqueName('es_kill_pg_dest');

it('completes exactly once into PostgreSQL after the worker process is SIGKILLed mid-copy', { timeout: 420_000 }, async () => {
  await withPostgres([dest], async (pg) => {
    const first = ctx.stack.spawnWorker();
    const created = await api(
      ctx.stack.app,
      'POST',
      '/api/migrations',
      // Small batches: many COPYs per chunk, so the kill lands between and inside them.
      toPostgres('kill test into postgres', ctx.table, dest, { options: { chunk_rows: CHUNK, batch_rows: 500, parallelism: 1 } }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const beforeKill = await waitForChunks(ctx.stack, id, 3);
    first.kill('SIGKILL');
    await waitForExit(first);
    expect(beforeKill.chunks_done).toBeLessThan(beforeKill.chunks_total);

    const second = ctx.stack.spawnWorker();
    const final = await waitForStatus(ctx.stack, id, ['completed']);
    await stopProcess(second);

    const sum = String((ROWS * (ROWS + 1)) / 2);
    expect(final.rows_copied).toBe(ROWS);
    expect(final.verification).toEqual({ source_rows: ROWS, destination_rows: ROWS, source_key_sum: sum, destination_key_sum: sum, ok: true });
    const check = await pg.query(`SELECT count(*) AS n, count(DISTINCT id) AS d FROM "${dest}"`);
    expect(Number(check.rows[0].n)).toBe(ROWS);
    expect(Number(check.rows[0].d)).toBe(ROWS);
    const pk = await pg.query(`SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`, [`"${dest}"`]);
    expect(pk.rowCount).toBe(1);

    // Every chunk was scheduled once (finished ones were not copied again); the one the kill
    // interrupted ran a second attempt after its heartbeat timed out.
    const events = (await ctx.stack.temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const copies = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'copyChunk');
    expect(copies.length).toBe(final.chunks_total);
    expect(events.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toBe(true);
    console.log(`worker-kill-postgres: killed after ${beforeKill.chunks_done}/${beforeKill.chunks_total} chunks`);
  });
});
