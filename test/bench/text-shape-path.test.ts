/**
 * The path the bench's `text` shape takes, end to end on a small copy of it: a composite VARCHAR
 * key planned into two automatic chunks, so the walk stops at the boundary (no tally at planning),
 * the source's tally is taken by tallySource beside the copy, and verification still compares
 * exact counts. Every row lands once, with its values.
 */
import { expect, it } from 'vitest';
import { mariadb, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { toPostgres, withPostgres } from '../support/postgres';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';

/** Two automatic chunks (at least 50,000 rows each at parallelism 2). */
const ROWS = 110_000;
const TENANTS = ['acme', 'børsen', 'café-crème', 'münchen', 'señora', 'zürich-ost', '東京支店', '🚀-rockets'];

async function seed(table: string): Promise<void> {
  const db = await mariadb();
  try {
    await db.query(
      `CREATE TABLE \`${table}\` (tenant VARCHAR(40) NOT NULL, doc_id INT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (tenant, doc_id))
       CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
    );
    const pick = `ELT(1 + seq % ${TENANTS.length}, ${TENANTS.map((t) => db.escape(t)).join(', ')})`;
    await db.query(`INSERT INTO \`${table}\` SELECT ${pick}, seq, CONCAT('doc ', seq, ' — ', REPEAT('ü', seq % 7)) FROM seq_1_to_${ROWS}`);
    // The estimate planning reads (information_schema.TABLES.TABLE_ROWS) comes from these statistics.
    await db.query(`ANALYZE TABLE \`${table}\``);
  } finally {
    await db.end();
  }
}

const ctx = seededStack({ prefix: 'es_bench_text', project: 'bench_text', seed });
const dest = uniqueName('es_bench_text_dest');

it('stops the walk at the boundary, tallies the source beside the copy, and lands every row once', { timeout: 240_000 }, async () => {
  await withPostgres([dest], async (pg) => {
    const res = await api(ctx.stack.app, 'POST', '/api/migrations', toPostgres('text shape path', ctx.table, dest));
    expect(res.status).toBe(201);
    const done = await waitForStatus(ctx.stack, res.body.id, ['completed']);
    expect(done.rows_copied).toBe(ROWS);
    expect(done.verification).toMatchObject({ source_rows: ROWS, destination_rows: ROWS, ok: true });

    const events = (await ctx.stack.temporal.client.workflow.getHandle(res.body.id).fetchHistory()).events ?? [];
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    // Two chunks; the plan carried no tally, so tallySource ran, scheduled with the copy, before any chunk finished.
    expect(scheduled.filter((n) => n === 'copyChunk')).toHaveLength(2);
    expect(scheduled).toContain('tallySource');
    const firstChunkDone = events.findIndex((e) => e.activityTaskCompletedEventAttributes);
    const tallyScheduled = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'tallySource');
    expect(tallyScheduled).toBeLessThan(firstChunkDone);
    // Both tallies agreed: no separate verification step.
    expect(scheduled).not.toContain('verifyCounts');

    // Every (tenant, doc_id) once, with its body, per tenant as in the source.
    const src = await mariadb();
    try {
      const [mine] = await src.query(`SELECT tenant, COUNT(*) AS n, SUM(doc_id) AS s, SUM(CHAR_LENGTH(body)) AS b FROM \`${ctx.table}\` GROUP BY tenant`);
      const theirs = await pg.query(
        `SELECT tenant, count(*) AS n, sum(doc_id) AS s, sum(char_length(body)) AS b, count(DISTINCT (tenant, doc_id)) AS d FROM "${dest}" GROUP BY tenant`,
      );
      const byTenant = new Map(theirs.rows.map((r) => [r.tenant as string, r]));
      for (const r of mine as Array<{ tenant: string; n: number; s: string; b: string }>) {
        const t = byTenant.get(r.tenant);
        expect(t, r.tenant).toBeDefined();
        expect([Number(t.n), Number(t.d), String(t.s), String(t.b)], r.tenant).toEqual([Number(r.n), Number(r.n), String(r.s), String(r.b)]);
      }
      expect(theirs.rows).toHaveLength(TENANTS.length);
    } finally {
      await src.end();
    }
  });
});
