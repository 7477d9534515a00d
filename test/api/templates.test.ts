/**
 * Templates through the API against the real stack: saved as paused Temporal Schedules without
 * a spec (listed by Temporal, never by /api/schedules), changed, run as an ordinary migration
 * (MariaDB → PostgreSQL), deleted; bodies checked like POST /api/migrations.
 */
import { expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { toPostgres, withPostgres } from '../support/postgres';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';
import { waitFor } from '../support/wait';

const ROWS = 3_000;
const ctx = seededStack({ prefix: 'tmpl_src', project: 'tmpl', seed: (t) => seedSales(MARIADB_URL, ROWS, t) });

it('creates, lists, gets, changes, runs and deletes a template', { timeout: 180_000 }, async () => {
  const app = ctx.stack.app;
  const dest = uniqueName('tmpl_dest');
  await withPostgres([dest], async (pg) => {
    const created = await api(app, 'POST', '/api/templates', {
      name: 'Sales copy',
      description: 'two lanes',
      migration: toPostgres('sales from a template', ctx.table, dest, { options: { parallelism: 2 } }),
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(id).toMatch(/^tmpl-/);
    expect(created.body).toMatchObject({ name: 'Sales copy', description: 'two lanes', migration: { name: 'sales from a template', destination_config: { table: dest } } });

    // Temporal holds it: a paused schedule with no spec (it never fires by itself), marked as a template.
    const desc = await ctx.stack.temporal.client.schedule.getHandle(id).describe();
    expect(desc.state.paused).toBe(true);
    expect(desc.state.note).toContain('Epic Shelter template "Sales copy"');
    expect(desc.info.nextActionTimes).toEqual([]);
    expect(desc.memo).toMatchObject({ epic_shelter_kind: 'template' });
    const listedByTemporal = await waitFor(
      async () => {
        for await (const s of ctx.stack.temporal.client.schedule.list()) if (s.scheduleId === id) return s;
        return undefined;
      },
      15_000,
      'Temporal to list the template schedule',
    );
    expect(listedByTemporal.memo).toMatchObject({ epic_shelter_kind: 'template' });

    const listed = await waitFor(
      async () => {
        const res = await api(app, 'GET', '/api/templates');
        return res.body.templates?.some((t: { id: string }) => t.id === id) ? res : undefined;
      },
      15_000,
      'the template in GET /api/templates',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.templates.find((t: { id: string }) => t.id === id)).toEqual(created.body);
    // A template is not a recurring migration.
    const schedules = await api(app, 'GET', '/api/schedules');
    expect(schedules.body.schedules.map((s: { id: string }) => s.id)).not.toContain(id);

    const updated = await api(app, 'PATCH', `/api/templates/${id}`, { description: null, migration: toPostgres('sales, changed', ctx.table, dest, { options: { parallelism: 3, chunk_rows: 1_000 } }) });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: 'Sales copy', description: null, migration: { name: 'sales, changed', options: { parallelism: 3 } }, created_at: created.body.created_at });
    expect(updated.body.updated_at > created.body.updated_at).toBe(true);
    const got = await api(app, 'GET', `/api/templates/${id}`);
    expect(got.body).toEqual(updated.body);
    // The schedule's action carries the changed migration, ready to run.
    const changed = await ctx.stack.temporal.client.schedule.getHandle(id).describe();
    expect((changed.action.args as Array<{ name: string; options: { parallelism: number } }>)[0]).toMatchObject({ name: 'sales, changed', options: { parallelism: 3 } });

    const run = await api(app, 'POST', `/api/templates/${id}/run`);
    expect(run.status).toBe(201);
    expect(run.body.id).toMatch(/^mig-/);
    expect(run.body.name).toBe('sales, changed');
    const done = await waitForStatus(ctx.stack, run.body.id, ['completed']);
    expect(done.verification).toMatchObject({ source_rows: ROWS, destination_rows: ROWS, ok: true });
    expect(done.chunks_total).toBe(3);
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM "${dest}"`);
    expect(rows[0].n).toBe(ROWS);
    // An ordinary migration: /api/migrations lists it.
    const migrations = await api(app, 'GET', '/api/migrations?name=changed');
    expect(migrations.body.migrations.map((m: { id: string }) => m.id)).toContain(run.body.id);

    expect((await api(app, 'DELETE', `/api/templates/${id}`)).status).toBe(204);
    expect((await api(app, 'GET', `/api/templates/${id}`)).status).toBe(404);
    expect((await api(app, 'POST', `/api/templates/${id}/run`)).status).toBe(404);
    await expect(ctx.stack.temporal.client.schedule.getHandle(id).describe()).rejects.toThrow();
  });
});

it('refuses bad bodies with the field named, as POST /api/migrations does', { timeout: 60_000 }, async () => {
  const app = ctx.stack.app;
  const good = toPostgres('x', ctx.table, 'tmpl_never');

  const noName = await api(app, 'POST', '/api/templates', { migration: good });
  expect(noName.status).toBe(400);
  expect(noName.body.fields.map((f: { path: string }) => f.path)).toEqual(['name']);

  const badTable = await api(app, 'POST', '/api/templates', { name: 't', migration: { ...good, source_config: { table: 'a;drop' } } });
  expect(badTable.status).toBe(400);
  expect(badTable.body.fields).toContainEqual(expect.objectContaining({ path: 'migration.source_config.table' }));

  const credentials = await api(app, 'POST', '/api/templates', { name: 't', migration: { ...good, source_config: { table: 't', password: 'x' } } });
  expect(credentials.status).toBe(400);
  expect(credentials.body.fields).toContainEqual({ path: 'migration.source_config.password', message: expect.stringContaining('credentials') });

  const unknownType = await api(app, 'POST', '/api/templates', { name: 't', migration: { ...good, destination_type: 'NOPE' } });
  expect(unknownType.status).toBe(400);
  expect(unknownType.body.fields).toContainEqual(expect.objectContaining({ path: 'migration.destination_type' }));

  const writes = await api(app, 'POST', '/api/templates', { name: 't', migration: { ...good, source_config: { query: 'DELETE FROM t' } } });
  expect(writes.status).toBe(400);
  expect(writes.body.fields.map((f: { path: string }) => f.path)).toContain('migration.source_config.query');

  const extra = await api(app, 'POST', '/api/templates', { name: 't', migration: good, schedule: 'daily' });
  expect(extra.status).toBe(400);
  expect(extra.body.fields.map((f: { path: string }) => f.path)).toEqual(['schedule']);

  const malformed = await api(app, 'POST', '/api/templates', '{"name":');
  expect(malformed.status).toBe(400);

  const emptyPatch = await api(app, 'PATCH', '/api/templates/tmpl-missing', {});
  expect(emptyPatch.status).toBe(400);
});

it('answers 404 for unknown templates and for schedules that are not templates', { timeout: 60_000 }, async () => {
  const app = ctx.stack.app;
  for (const [method, path, body] of [
    ['GET', '/api/templates/tmpl-nope'],
    ['PATCH', '/api/templates/tmpl-nope', { name: 'x' }],
    ['DELETE', '/api/templates/tmpl-nope'],
    ['POST', '/api/templates/tmpl-nope/run'],
  ] as const) {
    const res = await api(app, method, path, body);
    expect(res.status, `${method} ${path}`).toBe(404);
    expect(res.body.error).toContain('tmpl-nope');
  }
  // A recurring migration's schedule is not a template, even when asked by its id.
  const schedule = await api(app, 'POST', '/api/schedules', {
    name: 'tmpl test schedule',
    spec: { interval: '1d' },
    paused: true,
    migration: toPostgres('x', ctx.table, 'tmpl_never'),
  });
  expect(schedule.status).toBe(201);
  try {
    expect((await api(app, 'GET', `/api/templates/${schedule.body.id}`)).status).toBe(404);
    expect((await api(app, 'POST', `/api/templates/${schedule.body.id}/run`)).status).toBe(404);
  } finally {
    await api(app, 'DELETE', `/api/schedules/${schedule.body.id}`);
  }
});
