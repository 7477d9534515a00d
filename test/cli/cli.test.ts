/**
 * The real `epic-shelter` binary (node cli/bin.mjs, spawned) against the real stack served over
 * HTTP: a watched MariaDB → PostgreSQL migration exits 0, a failing one exits 1 with its error,
 * --json parses, usage errors exit 2, Ctrl-C while watching exits 130 and the migration goes on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { securityFromEnv } from '../../api/middleware/config';
import { seedSales } from '../../scripts/seed-sales';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { waitForStatus } from '../support/migrations';
import { freePort } from '../support/ports';
import { withPostgres } from '../support/postgres';
import { seededStack } from '../support/seeded-stack';
import { waitFor } from '../support/wait';

const ROWS = 20_000;
const BIN = join(__dirname, '../../cli/bin.mjs');
const ctx = seededStack({ prefix: 'cli_src', project: 'cli', seed: (t) => seedSales(MARIADB_URL, ROWS, t) });

let url = '';
let server: ReturnType<typeof serve> | undefined;

beforeAll(async () => {
  const port = await freePort();
  server = serve({ fetch: ctx.stack.app.fetch, port, hostname: '127.0.0.1' });
  url = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the binary; `done` resolves when it exits. stdout is a pipe, so output is the plain (non-terminal) kind. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Finished>; stdout: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, EPIC_SHELTER_URL: url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

const run = (...args: string[]) => cli(args).done;

const migrationFlags = (name: string, dest: string, ...more: string[]) => [
  '--name', name, '--source', 'SINGLESTORE', '--source-table', ctx.table, '--destination', 'POSTGRES', '--destination-table', dest, ...more,
];

it('migrate --watch follows a MariaDB → PostgreSQL migration to completion and exits 0', { timeout: 180_000 }, async () => {
  const dest = uniqueName('cli_dest');
  await withPostgres([dest], async (pg) => {
    const flags = migrationFlags('cli watched copy', dest, '--chunk-rows', '5000', '--parallelism', '1', '--rename', 'product=item', '--skip', 'notes');
    const res = await run('migrate', ...flags, '--watch', '--interval', '0.3');
    expect(res.stderr).toContain('Watching mig-');
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Started mig-\S+ "cli watched copy" \(SINGLESTORE → POSTGRES\)$/);
    // Plain progress lines (stdout is not a terminal), then the outcome.
    expect(lines.some((l) => /running\s+copying\s+\d+%\s+[\d,]+\/20,000 rows\s+chunks \d\/4/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(new RegExp(`^completed: 20,000 rows copied in \\S+ into public\\.${dest}; verified: 20,000 source rows = 20,000 destination rows$`));
    const { rows } = await pg.query(`SELECT count(*)::int AS n, count(DISTINCT item)::int AS items FROM "${dest}"`);
    expect(rows[0].n).toBe(ROWS);
    expect(rows[0].items).toBeGreaterThan(1);
    // --rename and --skip became destination_config.columns.
    const cols = await pg.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [dest]);
    expect(cols.rows.map((r) => r.column_name)).toEqual(['id', 'date', 'quantity', 'item', 'amount', 'attrs']);

    const id = /Started (mig-\S+)/.exec(lines[0])![1];
    const status = await run('status', id, '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: 'completed', rows_copied: ROWS, verification: { ok: true } });
    const text = await run('status', id);
    expect(text.stdout).toMatch(/^status:\s+completed$/m);
    expect(text.stdout).toMatch(/^verification:\s+ok \(source 20,000, destination 20,000\)$/m);

    const listed = await run('list', '--json', '--name', 'cli watched');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).migrations.map((m: { id: string }) => m.id)).toContain(id);
    const table = await run('list', '--status', 'completed');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+PROGRESS\s+ROWS/);
    expect(table.stdout).toContain(id);
  });
});

it('plan prints the DDL, the column mapping and the chunk plan, writing nothing', { timeout: 120_000 }, async () => {
  const dest = uniqueName('cli_plan');
  await withPostgres([dest], async (pg) => {
    const flags = migrationFlags('cli plan', dest, '--chunk-rows', '5000', '--rename', 'product=item', '--skip', 'notes');
    const res = await run('plan', ...flags);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^Destination: +POSTGRES public\\.${dest} on PostgreSQL [\\d.]+.*: create$`, 'm'));
    expect(res.stdout).toMatch(/^Chunks: +\d+ of up to 5,000 rows, 2 at once; copy path packed$/m);
    expect(res.stdout).toMatch(/^ +1 {2}key in \(…, \d+\]$/m);
    expect(res.stdout).toMatch(/^ {2}product +\S+ +item +/m);
    expect(res.stdout).toMatch(/^ {2}notes +\S+ +\(skipped\)/m);
    expect(res.stdout).toContain(`CREATE TABLE "public"."${dest}"`);
    const json = await run('plan', ...flags, '--json');
    const plan = JSON.parse(json.stdout);
    expect(plan.columns.find((c: { source_name: string }) => c.source_name === 'product')).toMatchObject({ destination_name: 'item', skipped: false });
    expect(plan.chunks).toMatchObject({ chunk_rows: 5_000, parallelism: 2 });
    expect(plan.chunks.count).toBeGreaterThanOrEqual(4);
    const { rows } = await pg.query('SELECT to_regclass($1) AS t', [`public.${dest}`]);
    expect(rows[0].t).toBeNull();
  });
});

it('a failing migration exits 1 with the error from its status', { timeout: 120_000 }, async () => {
  const dest = uniqueName('cli_foreign');
  await withPostgres([dest], async (pg) => {
    // A table Epic Shelter did not create: replace refuses it at creating_table, before writing.
    await pg.query(`CREATE TABLE "${dest}" (id bigint PRIMARY KEY)`);
    const res = await run('migrate', ...migrationFlags('cli refused copy', dest, '--write-mode', 'replace'), '--watch', '--interval', '0.3');
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/^failed: existing table public\.\w+ was not created by Epic Shelter/m);
    expect(res.stderr).toContain(dest);
    expect(res.stderr).toContain('overwrite_existing');
  });
});

it('--json output parses: a started migration, JSON lines while watching, schedules and templates', { timeout: 180_000 }, async () => {
  const dest = uniqueName('cli_json');
  await withPostgres([dest], async () => {
    const started = await run('migrate', ...migrationFlags('cli json copy', dest), '--json');
    expect(started.code, started.stderr).toBe(0);
    const view = JSON.parse(started.stdout);
    expect(view).toMatchObject({ name: 'cli json copy', status: 'pending', source_type: 'SINGLESTORE', destination_type: 'POSTGRES' });

    const watched = await run('status', view.id, '--watch', '--json', '--interval', '0.3');
    expect(watched.code, watched.stderr).toBe(0);
    const states = watched.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(states.at(-1)).toMatchObject({ id: view.id, status: 'completed', rows_copied: ROWS });

    const saved = await run('templates', 'create', '--name', 'cli template', '--description', 'from the CLI test', ...migrationFlags('cli template run', dest).slice(2), '--write-mode', 'replace', '--json');
    expect(saved.code, saved.stderr).toBe(0);
    const template = JSON.parse(saved.stdout);
    expect(template).toMatchObject({ name: 'cli template', description: 'from the CLI test', migration: { name: 'cli template', destination_config: { write_mode: 'replace' } } });
    const got = await run('templates', 'get', template.id, '--json');
    expect(JSON.parse(got.stdout)).toEqual(template);
    // Flags change fields of the stored migration; the rest stays.
    const changed = await run('templates', 'update', template.id, '--description', '', '--parallelism', '3', '--json');
    expect(changed.code, changed.stderr).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      name: 'cli template',
      description: null,
      migration: { name: 'cli template', options: { parallelism: 3 }, destination_config: { table: dest, write_mode: 'replace' } },
    });
    const ran = await run('templates', 'run', template.id, '--watch', '--interval', '0.3');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`from template ${template.id}`);
    expect(ran.stdout).toMatch(/^completed: 20,000 rows/m);
    // Schedules: created paused from flags, listed (templates are not), resumed, paused, deleted.
    const created = await run('schedules', 'create', '--name', 'cli nightly', '--cron', '30 2 * * *', '--timezone', 'Europe/Berlin', '--paused', ...migrationFlags('cli scheduled copy', dest).slice(2), '--json');
    expect(created.code, created.stderr).toBe(0);
    const schedule = JSON.parse(created.stdout);
    expect(schedule).toMatchObject({ name: 'cli nightly', paused: true, spec: { cron: '30 2 * * *', timezone: 'Europe/Berlin' }, migration: { name: 'cli nightly' } });
    const listedSchedules = await waitFor(
      async () => {
        const r = await run('schedules', 'list', '--json');
        const ids = JSON.parse(r.stdout).schedules.map((x: { id: string }) => x.id);
        return ids.includes(schedule.id) ? ids : undefined;
      },
      15_000,
      'the schedule in schedules list',
    );
    expect(listedSchedules).not.toContain(template.id);
    const resumed = await run('schedules', 'unpause', schedule.id);
    expect(resumed.stdout).toMatch(new RegExp(`^${schedule.id} "cli nightly" is active; next run \\d{4}-`));
    expect(JSON.parse((await run('schedules', 'pause', schedule.id, '--note', 'held', '--json')).stdout)).toMatchObject({ paused: true, note: 'held' });
    const deletedSchedule = await run('schedules', 'delete', schedule.id);
    expect(deletedSchedule.code, deletedSchedule.stderr).toBe(0);
    const goneSchedule = await run('schedules', 'get', schedule.id);
    expect(goneSchedule.code, goneSchedule.stdout).toBe(1);
    const deletedTemplate = await run('templates', 'delete', template.id);
    expect(deletedTemplate.code, deletedTemplate.stderr).toBe(0);
    const gone = await run('templates', 'get', template.id);
    expect(gone.code, gone.stderr).toBe(1);
    expect(gone.stderr).toContain('HTTP 404');
  });
});

it('usage errors exit 2: unknown command, missing fields, bad numbers, a request the API refuses', { timeout: 60_000 }, async () => {
  const unknown = await run('migrat');
  expect(unknown.code, unknown.stderr).toBe(2);
  expect(unknown.stderr).toContain("unknown command 'migrat'");

  const missing = await run('migrate', '--name', 'x', '--source', 'SINGLESTORE');
  expect(missing.code, missing.stderr).toBe(2);
  expect(missing.stderr).toContain('missing destination_type (--destination)');

  const notANumber = await run('migrate', '--parallelism', 'many');
  expect(notANumber.code, notANumber.stderr).toBe(2);
  expect(notANumber.stderr).toContain("'--parallelism <n>' argument 'many' is invalid");

  const refused = await run('migrate', '--name', 'x', '--source', 'SINGLESTORE', '--source-table', 'a;drop', '--destination', 'POSTGRES', '--destination-table', 'cli_never');
  expect(refused.code, refused.stderr).toBe(2);
  expect(refused.stderr).toContain('(HTTP 400)');
  expect(refused.stderr).toMatch(/^ {2}source_config\.table: .*plain identifier/m);

  const noFile = await run('migrate', '/nonexistent/request.json');
  expect(noFile.code, noFile.stderr).toBe(2);
  expect(noFile.stderr).toContain('cannot read /nonexistent/request.json: ENOENT');

  const notFound = await run('status', 'mig-00000000-0000-0000-0000-000000000000');
  expect(notFound.code, notFound.stderr).toBe(1);
  expect(notFound.stderr).toContain('HTTP 404');
});

it('Ctrl-C while watching exits 130, says the migration keeps running, and it completes', { timeout: 180_000 }, async () => {
  const dest = uniqueName('cli_sigint');
  await withPostgres([dest], async (pg) => {
    const watching = cli(['migrate', ...migrationFlags('cli interrupted watch', dest, '--chunk-rows', '1000', '--batch-rows', '500', '--parallelism', '1'), '--watch', '--interval', '0.3']);
    let id = '';
    for (let i = 0; i < 600 && !id; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const m = /Started (mig-\S+)[\s\S]*\n\s*\S+\s+(pending|running)/.exec(watching.stdout());
      if (m) id = /Started (mig-\S+)/.exec(watching.stdout())![1];
    }
    expect(id).not.toBe('');
    watching.child.kill('SIGINT');
    const res = await watching.done;
    expect(res.code, res.stderr).toBe(130);
    expect(res.stderr).toContain(`migration ${id} keeps running`);
    expect(res.stderr).toContain(`epic-shelter status ${id} --watch`);
    const done = await waitForStatus(ctx.stack, id, ['completed']);
    expect(done.verification).toMatchObject({ source_rows: ROWS, destination_rows: ROWS, ok: true });
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM "${dest}"`);
    expect(rows[0].n).toBe(ROWS);
  });
});

it('on a terminal --watch draws a live bar with rows/s and ETA', { timeout: 120_000 }, async () => {
  const dest = uniqueName('cli_tty');
  await withPostgres([dest], async () => {
    const args = ['migrate', ...migrationFlags('cli terminal watch', dest, '--chunk-rows', '2000', '--parallelism', '1'), '--watch', '--interval', '0.3'];
    // script(1) gives the binary a pseudo-terminal for stdout.
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const term = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, EPIC_SHELTER_URL: url, COLUMNS: '160' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    term.stdout!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => term.once('close', resolve));
    expect(code, out).toBe(0);
    // The bar redraws in place (carriage returns / cursor moves) rather than printing lines.
    expect(out).toMatch(/[█░]{10,} \d+% \| [\d,?]+\/[\d,?]+ rows \| [\d,-]+ rows\/s \| ETA \S+ \| \w+/);
    expect(out).toMatch(/█{40} 100% \| 20,000\/20,000 rows/);
    expect(out).toMatch(/completed: 20,000 rows copied/);
    expect(out).not.toMatch(/^\s*\d+s\s+running\s+copying/m);
  });
});

it('sends EPIC_SHELTER_TOKEN as a bearer token; without it a protected API answers 401', { timeout: 60_000 }, async () => {
  const token = 'cli-test-token-0123456789abcdef';
  const readToken = 'cli-read-token-0123456789abcdef';
  const app = createApp({
    client: ctx.stack.temporal.client,
    connection: ctx.stack.temporal.connection,
    taskQueue: ctx.stack.taskQueue,
    security: securityFromEnv({ API_TOKENS: token, API_READ_TOKENS: readToken }),
  });
  const port = await freePort();
  const protectedServer = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  try {
    const env = { EPIC_SHELTER_URL: `http://127.0.0.1:${port}` };
    const without = await cli(['list'], env).done;
    expect(without.code, without.stderr).toBe(1);
    expect(without.stderr).toContain('(set EPIC_SHELTER_TOKEN) (HTTP 401)');
    const withToken = await cli(['list', '--json'], { ...env, EPIC_SHELTER_TOKEN: token }).done;
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(withToken.stdout).migrations)).toBe(true);
    const readOnly = await cli(['cancel', 'mig-00000000-0000-0000-0000-000000000000'], { ...env, EPIC_SHELTER_TOKEN: readToken }).done;
    expect(readOnly.code, readOnly.stderr).toBe(1);
    expect(readOnly.stderr).toContain('HTTP 403');
  } finally {
    await new Promise((resolve) => protectedServer.close(resolve));
  }
});
