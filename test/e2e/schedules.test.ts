/**
 * Recurring migrations as Temporal Schedules, end to end: validation creates nothing; a
 * triggered run is an ordinary migration carrying its schedule_id; pause stops a 1-second
 * schedule; PATCH changes the spec in Temporal; backfill takes missed runs; delete removes it.
 */
import { describe, expect, it } from 'vitest';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL } from '../support/mariadb';
import { TERMINAL } from '../support/migrations';
import { api } from '../support/stack';
import { seededStack } from '../support/seeded-stack';
import { waitFor } from '../support/wait';

const ROWS = 1_500;
const project = 'schedules';
const ctx = seededStack({ prefix: 'es_sched', project, seed: (t) => seedSales(MARIADB_URL, ROWS, t) });
const { table } = ctx;

function migration(dest: string, extra: Record<string, unknown> = {}) {
  return {
    name: `scheduled ${dest}`,
    source_type: 'SINGLESTORE',
    source_config: { table },
    destination_type: 'HYDROLIX',
    destination_config: { table: dest },
    options: { chunk_rows: 500, batch_rows: 250, parallelism: 2 },
    ...extra,
  };
}

async function getSchedule(id: string) {
  return (await api(ctx.stack.app, 'GET', `/api/schedules/${id}`)).body;
}

async function temporalSchedules(): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of ctx.stack.temporal.client.schedule.list()) ids.push(s.scheduleId);
  return ids;
}

async function runsOf(id: string): Promise<number> {
  let n = 0;
  for await (const _ of ctx.stack.temporal.client.workflow.list({ query: `TemporalScheduledById = '${id}'` })) n++;
  return n;
}

/** Waits until the schedule has `count` recent runs, all finished; returns the schedule. */
async function waitForRuns(id: string, count: number, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const s = await getSchedule(id);
      const runs = s.recent_runs as Array<{ status: string }>;
      return runs.length >= count && runs.every((r) => TERMINAL.includes(r.status)) ? s : undefined;
    },
    timeoutMs,
    `${count} finished runs of ${id}`,
    300,
  );
}

describe('schedules', () => {
  it('rejects bad requests with field paths and creates nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{ name: 'x', spec: { cron: '0 2 * *' }, migration: migration('v') }, 'spec.cron'],
      [{ name: 'x', spec: { cron: '0 25 * * *' }, migration: migration('v') }, 'spec.cron'],
      [{ name: 'x', spec: { interval: '1 hour' }, migration: migration('v') }, 'spec.interval'],
      [{ name: 'x', spec: { interval: '0s' }, migration: migration('v') }, 'spec.interval'],
      [{ name: 'x', spec: { interval: '59s' }, migration: migration('v') }, 'spec.interval'],
      [{ name: 'x', spec: { calendars: [{ second: '*' }] }, migration: migration('v') }, 'spec.calendars.0.second'],
      [{ name: 'x', spec: { interval: { every: '1h', offset: '2h' } }, migration: migration('v') }, 'spec.interval.offset'],
      [{ name: 'x', spec: { cron: '0 2 * * *', timezone: 'Mars/Olympus' }, migration: migration('v') }, 'spec.timezone'],
      [
        { name: 'x', spec: { interval: '1h', start_at: '2031-02-01T00:00:00Z', end_at: '2031-01-01T00:00:00Z' }, migration: migration('v') },
        'spec.end_at',
      ],
      [{ name: 'x', spec: {}, migration: migration('v') }, 'spec'],
      [{ name: 'x', spec: { calendars: [{ hour: 24 }] }, migration: migration('v') }, 'spec.calendars.0.hour'],
      [{ name: 'x', spec: { interval: '1h' }, migration: { ...migration('v'), source_config: { table: 'bad name;' } } }, 'migration.source_config.table'],
      [{ name: 'x', spec: { interval: '1h' }, migration: { ...migration('v'), source_type: 'NOPE' } }, 'migration.source_type'],
      [{ name: 'x', spec: { interval: '1h' }, migration: { ...migration('v'), source_config: { query: 'DELETE FROM t' } } }, 'migration.source_config.query'],
      [{ name: 'x', spec: { interval: '1h' } }, 'migration'],
      [{ name: 'x', spec: { interval: '1h' }, migration: migration('v'), overlap: 'sometimes' }, 'overlap'],
    ];
    for (const [body, path] of bad) {
      const res = await api(ctx.stack.app, 'POST', '/api/schedules', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.fields.map((f: { path: string }) => f.path), JSON.stringify(res.body)).toContain(path);
    }
    expect((await api(ctx.stack.app, 'POST', '/api/schedules', 'not json')).status).toBe(400);

    const unknown = 'sched-00000000-0000-0000-0000-000000000000';
    expect((await api(ctx.stack.app, 'GET', `/api/schedules/${unknown}`)).status).toBe(404);
    expect((await api(ctx.stack.app, 'PATCH', `/api/schedules/${unknown}`, { name: 'y' })).status).toBe(404);
    expect((await api(ctx.stack.app, 'POST', `/api/schedules/${unknown}/pause`)).status).toBe(404);
    expect((await api(ctx.stack.app, 'POST', `/api/schedules/${unknown}/trigger`)).status).toBe(404);
    expect((await api(ctx.stack.app, 'POST', `/api/schedules/${unknown}/backfill`, { start: '2024-01-01T00:00:00Z', end: '2024-01-02T00:00:00Z' })).status).toBe(404);
    expect((await api(ctx.stack.app, 'DELETE', `/api/schedules/${unknown}`)).status).toBe(404);

    expect(await temporalSchedules()).toEqual([]);
    expect((await api(ctx.stack.app, 'GET', '/api/schedules')).body).toEqual({ schedules: [] });
  });

  it('creates, triggers a run that is an ordinary migration, patches, backfills and deletes', async () => {
    const spec = { interval: '1h', timezone: 'Europe/Berlin' };
    const created = await api(ctx.stack.app, 'POST', '/api/schedules', { name: 'hourly sales', spec, migration: migration('hourly'), paused: false });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^sched-[0-9a-f-]{36}$/);
    expect(created.body).toMatchObject({
      name: 'hourly sales',
      spec,
      migration: migration('hourly'),
      paused: false,
      overlap: 'skip',
      catchup_window: '10m',
      recent_runs: [],
    });
    expect(created.body.next_run_times).toHaveLength(5);
    const next = created.body.next_run_times.map((t: string) => Date.parse(t));
    expect(next[1] - next[0]).toBe(3_600_000);
    expect(next[0]).toBeGreaterThan(Date.now());

    const got = await getSchedule(id);
    expect(got).toMatchObject({ id, spec, paused: false });
    await waitFor(
      async () => ((await api(ctx.stack.app, 'GET', '/api/schedules')).body.schedules.some((s: { id: string }) => s.id === id) ? true : undefined),
      10_000,
      'the schedule in the list',
    );

    // Trigger: one run, a normal migration with the schedule's id, rows at the emulator.
    expect((await api(ctx.stack.app, 'POST', `/api/schedules/${id}/trigger`)).status).toBe(202);
    const afterTrigger = await waitForRuns(id, 1);
    const run = afterTrigger.recent_runs[0];
    expect(run.status).toBe('completed');
    expect(run.migration_id.startsWith(`${id}-`)).toBe(true);
    expect(Date.parse(run.started_at)).not.toBeNaN();
    const mig = (await api(ctx.stack.app, 'GET', `/api/migrations/${run.migration_id}`)).body;
    expect(mig).toMatchObject({ status: 'completed', schedule_id: id, name: 'scheduled hourly', rows_copied: ROWS });
    expect(Date.parse(mig.created_at)).not.toBeNaN();
    const listed = await waitFor(
      async () => (await api(ctx.stack.app, 'GET', '/api/migrations')).body.migrations.find((m: { id: string }) => m.id === run.migration_id),
      10_000,
      'the scheduled run in GET /api/migrations',
    );
    expect(listed.schedule_id).toBe(id);
    const ids = ctx.stack.emulator.state.rows(project, 'hourly').rows.map((r) => String(r.id));
    expect(new Set(ids).size).toBe(ROWS);

    // PATCH: new spec (and name) in Temporal and in GET; a bad spec changes nothing.
    const patched = await api(ctx.stack.app, 'PATCH', `/api/schedules/${id}`, { name: 'half-hourly sales', spec: { interval: { every: '30m', offset: '5m' } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'half-hourly sales', spec: { interval: { every: '30m', offset: '5m' } } });
    const desc = await ctx.stack.temporal.client.schedule.getHandle(id).describe();
    expect(desc.spec.intervals).toEqual([{ every: 30 * 60_000, offset: 5 * 60_000 }]);
    const times = patched.body.next_run_times.map((t: string) => Date.parse(t));
    expect(times[1] - times[0]).toBe(30 * 60_000);
    expect(new Date(times[0]).getUTCMinutes() % 30).toBe(5);
    const rejected = await api(ctx.stack.app, 'PATCH', `/api/schedules/${id}`, { spec: { cron: 'every day' } });
    expect(rejected.status).toBe(400);
    expect(rejected.body.fields[0].path).toBe('spec.cron');
    expect((await getSchedule(id)).spec).toEqual({ interval: { every: '30m', offset: '5m' } });
    const badMigration = await api(ctx.stack.app, 'PATCH', `/api/schedules/${id}`, { migration: { ...migration('x'), destination_config: { table: 'no way' } } });
    expect(badMigration.status).toBe(400);
    expect(badMigration.body.fields[0].path).toBe('migration.destination_config.table');
    const moved = await api(ctx.stack.app, 'PATCH', `/api/schedules/${id}`, { migration: migration('hourly_v2') });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ name: 'half-hourly sales', spec: { interval: { every: '30m', offset: '5m' } }, migration: migration('hourly_v2') });
    const action = (await ctx.stack.temporal.client.schedule.getHandle(id).describe()).action;
    expect((action.args as Array<{ destination: { spec: { table: string } } }>)[0].destination.spec.table).toBe('hourly_v2');
    expect(action.memo).toMatchObject({ schedule_id: id, name: 'scheduled hourly_v2' });

    // Backfill: the half-hour marks of a past hour, one after another (buffer_all by default).
    const hourAgo = Date.now() - 2 * 3_600_000;
    const start = new Date(Math.floor(hourAgo / 3_600_000) * 3_600_000);
    const end = new Date(start.getTime() + 3_600_000 - 1_000); // :05 and :35 of that hour
    const badBackfill = await api(ctx.stack.app, 'POST', `/api/schedules/${id}/backfill`, { start: end.toISOString(), end: start.toISOString() });
    expect(badBackfill.status).toBe(400);
    expect(badBackfill.body.fields[0].path).toBe('end');
    const backfill = await api(ctx.stack.app, 'POST', `/api/schedules/${id}/backfill`, { start: start.toISOString(), end: end.toISOString() });
    expect(backfill.status).toBe(202);
    const afterBackfill = await waitForRuns(id, 3, 90_000);
    const scheduled = afterBackfill.recent_runs.slice(0, 2).map((r: { scheduled_at: string }) => r.scheduled_at).sort();
    expect(scheduled).toEqual([new Date(start.getTime() + 5 * 60_000).toISOString(), new Date(start.getTime() + 35 * 60_000).toISOString()]);
    expect(afterBackfill.recent_runs.every((r: { status: string }) => r.status === 'completed')).toBe(true);
    expect(new Set(ctx.stack.emulator.state.rows(project, 'hourly_v2').rows.map((r) => String(r.id))).size).toBe(ROWS);

    // Delete: gone from GET and the list; the finished runs stay.
    expect((await api(ctx.stack.app, 'DELETE', `/api/schedules/${id}`)).status).toBe(204);
    expect((await api(ctx.stack.app, 'GET', `/api/schedules/${id}`)).status).toBe(404);
    expect((await api(ctx.stack.app, 'GET', '/api/schedules')).body.schedules.map((s: { id: string }) => s.id)).not.toContain(id);
    expect((await api(ctx.stack.app, 'GET', `/api/migrations/${run.migration_id}`)).body.status).toBe('completed');
  });

  it('a paused schedule starts nothing; unpaused, it runs again', async () => {
    const created = await api(ctx.stack.app, 'POST', '/api/schedules', {
      name: 'every second',
      spec: { interval: '1m' },
      migration: migration('every_second'),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // The API takes intervals of a minute or more; a test cannot wait minutes, so Temporal is told directly.
    await ctx.stack.temporal.client.schedule.getHandle(id).update((prev) => ({ ...prev, spec: { intervals: [{ every: '1s' }] } }));
    // Runs start (one at a time: overlap skip).
    await waitFor(async () => ((await getSchedule(id)).actions_taken >= 2 ? true : undefined), 30_000, 'two scheduled runs');

    const paused = await api(ctx.stack.app, 'POST', `/api/schedules/${id}/pause`, { note: 'maintenance' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note: 'maintenance' });
    await new Promise((r) => setTimeout(r, 1_000)); // let visibility catch up with runs started before the pause
    const takenBefore = (await getSchedule(id)).actions_taken;
    const listedBefore = await runsOf(id);
    await new Promise((r) => setTimeout(r, 3_000));
    const whilePaused = await getSchedule(id);
    expect(whilePaused.paused).toBe(true);
    expect(whilePaused.actions_taken).toBe(takenBefore);
    expect(await runsOf(id)).toBe(listedBefore);

    const unpaused = await api(ctx.stack.app, 'POST', `/api/schedules/${id}/unpause`);
    expect(unpaused.status).toBe(200);
    expect(unpaused.body.paused).toBe(false);
    await waitFor(async () => ((await getSchedule(id)).actions_taken > takenBefore ? true : undefined), 30_000, 'a run after unpause');
    expect((await api(ctx.stack.app, 'DELETE', `/api/schedules/${id}`)).status).toBe(204);
    // No two runs of the schedule ever copied at once.
    const all: Array<{ start: number; end: number }> = [];
    for await (const w of ctx.stack.temporal.client.workflow.list({ query: `TemporalScheduledById = '${id}'` })) {
      all.push({ start: w.startTime.getTime(), end: (w.closeTime ?? new Date(8.64e15)).getTime() });
    }
    all.sort((a, b) => a.start - b.start);
    for (let i = 1; i < all.length; i++) expect(all[i].start).toBeGreaterThanOrEqual(all[i - 1].end);
  });
});
