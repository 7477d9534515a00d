/**
 * The dashboard in headless Chromium against the real stack (Temporal dev server, worker, MariaDB,
 * PostgreSQL, the API serving the built dashboard over HTTP), used as a person would: by labels,
 * roles and button names. It also takes the README's screenshots (docs/screenshots/).
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { securityFromEnv } from '../../api/middleware/config';
import { mariadb, uniqueName } from '../support/mariadb';
import { withPostgres } from '../support/postgres';
import { api } from '../support/stack';
import { type BrowserStack, eventually, SCREENSHOTS, startBrowserStack } from './browser-stack';

const SMALL_ROWS = 20_000;
/** Copied in pages of 10 rows, so a run lasts long enough to be cancelled from its page. */
const SLOW_ROWS = 60_000;
const small = uniqueName('ui_src');
const slow = uniqueName('ui_slow');
const pgTables: string[] = [];
let env: BrowserStack;

async function seed(table: string, rows: number) {
  const db = await mariadb();
  await db.query(
    `CREATE TABLE \`${table}\` (id INT PRIMARY KEY, label VARCHAR(40) NOT NULL, amount DECIMAL(12,2) NOT NULL, active TINYINT(1) NOT NULL,
       attrs JSON, created_at DATETIME NOT NULL)`,
  );
  await db.query(
    `INSERT INTO \`${table}\` SELECT seq, CONCAT('item-', seq), seq * 1.25, seq % 2, JSON_OBJECT('n', seq), TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE
       FROM seq_1_to_${rows}`,
  );
  await db.end();
}

function pgTable(prefix: string): string {
  const t = uniqueName(prefix);
  pgTables.push(t);
  return t;
}

beforeAll(async () => {
  await seed(small, SMALL_ROWS);
  await seed(slow, SLOW_ROWS);
  env = await startBrowserStack('ui_project');
}, 300_000);

afterAll(async () => {
  await env?.stop();
  const db = await mariadb();
  for (const t of [small, slow]) await db.query(`DROP TABLE IF EXISTS \`${t}\``);
  await db.end();
  await withPostgres(pgTables, async () => undefined);
});

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

/** A README screenshot of a taller window, scrolled to `selector` just below the sticky header. */
async function screenshotAt(page: Page, selector: string, file: string) {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).scrollIntoView({ block: 'start' }); window.scrollBy(0, -72);`);
  await page.screenshot({ path: join(SCREENSHOTS, file) });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Fills the new-migration form for `small` → PostgreSQL `dest`, up to the schema-mapping step. */
async function fillNewMigration(page: Page, name: string, dest: string) {
  await page.goto('/');
  await page.getByRole('button', { name: 'New migration' }).click();
  await page.getByRole('heading', { name: 'New migration' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Source', { exact: true }).selectOption('SINGLESTORE');
  const sourceTable = page.getByLabel('Source table', { exact: true });
  // The catalog lists the table with the source's row estimate.
  await eventually(async () => ((await sourceTable.locator('option', { hasText: small }).count()) > 0 ? true : undefined), 30_000, 'the catalog to list the table');
  await sourceTable.selectOption(small);
  await page.getByLabel('Destination', { exact: true }).selectOption('POSTGRES');
  await page.getByLabel('Destination table', { exact: true }).fill(dest);
  // The mapping step: each column with its destination type and lossy-conversion warnings.
  await page.getByRole('row').filter({ hasText: 'created_at' }).getByRole('cell', { name: /^timestamp/ }).waitFor();
  await page.getByRole('row').filter({ hasText: 'attrs' }).getByText(/becomes jsonb/).waitFor();
}

describe('dashboard', () => {
  it('creates a MariaDB → PostgreSQL migration through the form with a renamed column, and shows it reach 100 % and verified', async () => {
    const page = await env.newPage();
    const dest = pgTable('ui_dest');
    const name = `ui copy ${dest}`;
    await fillNewMigration(page, name, dest);

    await page.getByLabel('New name for label').fill('title');
    await page.getByRole('button', { name: 'Preview plan' }).click();
    // The plan follows the rename: its DDL creates the column under the new name.
    const plan = page.getByTestId('plan');
    await eventually(async () => ((await plan.textContent())?.includes('"title"') ? true : undefined), 30_000, 'the plan DDL to name "title"');
    await screenshotAt(page, '#mapping', 'new-migration.png');

    await page.getByRole('button', { name: 'Start migration' }).click();
    await page.waitForURL(/\/migrations\/mig-/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    // The run in the Temporal Web UI (TEMPORAL_UI_URL, default the dev server's).
    expect(await page.getByRole('link', { name: 'Open in Temporal' }).getAttribute('href')).toBe(`http://localhost:8233/namespaces/default/workflows/${id}`);

    const bar = page.getByRole('progressbar', { name: 'Migration progress' });
    const seen = new Set<number>();
    await eventually(
      async () => {
        const v = Number(await bar.getAttribute('aria-valuenow'));
        seen.add(v);
        return v === 100 ? v : undefined;
      },
      180_000,
      'the progress bar to reach 100',
    );
    await page.getByTestId('verification').getByText('Verified').waitFor();
    expect(await page.getByTestId('verification').textContent()).toContain('20,000');

    await withPostgres([], async (pg) => {
      const cols = await pg.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [dest]);
      expect(cols.rows.map((r) => r.column_name)).toEqual(['id', 'title', 'amount', 'active', 'attrs', 'created_at']);
      const rows = await pg.query(`SELECT count(*)::int AS n, count(DISTINCT title)::int AS titles, min(title) AS first FROM "${dest}"`);
      expect(rows.rows[0]).toEqual({ n: SMALL_ROWS, titles: SMALL_ROWS, first: 'item-1' });
    });

    // The list shows it, completed, with its rows.
    await nav(page, 'Migrations').click();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByText('completed').waitFor();
    expect(await row.textContent()).toContain('20,000 / 20,000');
  });

  it('cancels a running migration from its page and retries it to completion', async () => {
    const dest = pgTable('ui_retry');
    const started = await api(env.stack.app, 'POST', '/api/migrations', {
      name: `ui cancel ${dest}`,
      source_type: 'SINGLESTORE',
      source_config: { table: slow },
      destination_type: 'POSTGRES',
      destination_config: { table: dest },
      options: { batch_rows: 10, chunk_rows: 750, parallelism: 1 },
    });
    expect(started.status).toBe(201);
    const page = await env.newPage();
    await page.goto(`/migrations/${started.body.id}`);
    const bar = page.getByRole('progressbar', { name: 'Migration progress' });
    // Cancel once rows are moving.
    await eventually(async () => (Number(await bar.getAttribute('aria-valuenow')) > 0 ? true : undefined), 120_000, 'copying to start');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Retry' }).waitFor({ timeout: 60_000 });
    const cancelled = (await api(env.stack.app, 'GET', `/api/migrations/${started.body.id}`)).body;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress).toBeLessThan(100);

    await page.getByRole('button', { name: 'Retry' }).click();
    // Mid-copy, with some seconds of throughput drawn: the README's picture of a migration page.
    await eventually(async () => (Number(await bar.getAttribute('aria-valuenow')) >= 70 ? true : undefined), 240_000, 'the retried run to pass 70 %');
    await page.getByRole('list', { name: 'Chunks' }).locator('[data-state=done]').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'migration.png'), fullPage: true });
    await eventually(async () => (Number(await bar.getAttribute('aria-valuenow')) === 100 ? true : undefined), 240_000, 'the retried run to reach 100');
    await page.getByTestId('verification').getByText('Verified').waitFor();
    const done = (await api(env.stack.app, 'GET', `/api/migrations/${started.body.id}`)).body;
    expect(done).toMatchObject({ status: 'completed', rows_copied: SLOW_ROWS });
    expect(done.runs).toBeGreaterThanOrEqual(2);
    await withPostgres([], async (pg) => {
      const n = await pg.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM "${dest}"`);
      expect(n.rows[0]).toEqual({ n: SLOW_ROWS, ids: SLOW_ROWS });
    });
  });

  it('saves a migration as a template and runs it from the Templates page', async () => {
    const page = await env.newPage();
    const dest = pgTable('ui_tmpl');
    await fillNewMigration(page, `ui template run ${dest}`, dest);
    await page.getByRole('button', { name: 'Save as template' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Template name').fill(`ui template ${dest}`);
    await dialog.getByRole('button', { name: 'Save template' }).click();
    await page.getByText('Template saved').waitFor();

    await nav(page, 'Templates').click();
    const row = page.getByRole('row').filter({ hasText: `ui template ${dest}` });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: `Run ui template ${dest}` }).click();
    await page.waitForURL(/\/migrations\/mig-/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`ui template run ${dest}`);
    const bar = page.getByRole('progressbar', { name: 'Migration progress' });
    await eventually(async () => (Number(await bar.getAttribute('aria-valuenow')) === 100 ? true : undefined), 180_000, 'the template run to reach 100');
    await withPostgres([], async (pg) => {
      const n = await pg.query(`SELECT count(*)::int AS n FROM "${dest}"`);
      expect(n.rows[0].n).toBe(SMALL_ROWS);
    });
  });

  it('creates a schedule from a template, previews it in words, and pauses it', async () => {
    const page = await env.newPage();
    const templates = (await api(env.stack.app, 'GET', '/api/templates')).body.templates as { id: string; name: string }[];
    const template = templates.find((t) => t.name.startsWith('ui template'));
    expect(template).toBeDefined();
    const name = uniqueName('ui_sched');

    await page.goto('/schedules');
    await page.getByRole('button', { name: 'New schedule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Schedule name').fill(name);
    await dialog.getByLabel('Migration').selectOption(template!.id);
    await dialog.getByLabel('Cron expression').fill('30 2 * * *');
    await dialog.getByLabel('Time zone').fill('Europe/Berlin');
    expect(await dialog.getByTestId('schedule-preview').textContent()).toBe('every day at 02:30, Europe/Berlin');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();

    const card = page.getByRole('region', { name });
    await card.waitFor({ timeout: 30_000 });
    await card.getByText('Active', { exact: true }).waitFor();
    // Next run: 02:30 Berlin time, which the list shows in the browser's zone.
    const created = ((await api(env.stack.app, 'GET', '/api/schedules')).body.schedules as { id: string; name: string; next_run_times: string[] }[]).find((s) => s.name === name)!;
    expect(created.next_run_times.length).toBeGreaterThan(0);

    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByText('Paused', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Unpause' }).waitFor();
    const paused = (await api(env.stack.app, 'GET', `/api/schedules/${created.id}`)).body;
    expect(paused.paused).toBe(true);
    await api(env.stack.app, 'DELETE', `/api/schedules/${created.id}`);
  });

  it('lists every migration live, with status filters and name search', async () => {
    // One more, slow enough to be seen running.
    const dest = pgTable('ui_live');
    const started = await api(env.stack.app, 'POST', '/api/migrations', {
      name: 'ui live orders copy',
      source_type: 'SINGLESTORE',
      source_config: { table: slow },
      destination_type: 'POSTGRES',
      destination_config: { table: dest },
      options: { batch_rows: 10, chunk_rows: 2_000, parallelism: 2 },
    });
    expect(started.status).toBe(201);
    const page = await env.newPage();
    await page.goto('/');
    const live = page.getByRole('row').filter({ hasText: 'ui live orders copy' });
    // Without a reload: the list polls, and the row's bar moves.
    await eventually(async () => (Number(await live.getByRole('progressbar').getAttribute('aria-valuenow')) > 0 ? true : undefined), 120_000, 'the running row to show progress');
    expect(await live.getByText('running').count()).toBe(1);
    for (const name of ['ui copy', 'ui cancel', 'ui template run']) await page.getByRole('row').filter({ hasText: name }).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'migrations.png'), fullPage: false });

    await page.getByLabel('Search by name').fill('cancel');
    await eventually(async () => ((await page.getByRole('row').count()) === 2 ? true : undefined), 15_000, 'the search to leave one row');
    expect(await page.getByRole('row').nth(1).textContent()).toContain('ui cancel');
    await page.getByLabel('Search by name').fill('');
    await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'failed' }).click();
    await page.getByText('No migrations match these filters').waitFor();
    expect(page.url()).toContain('status=failed');
    await api(env.stack.app, 'POST', `/api/migrations/${started.body.id}/cancel`);
  });

  it('asks for the API token on a 401, keeps it for the session, and remembers dark mode', async () => {
    const token = 'ui-test-token-0123456789';
    // The same stack behind an API that requires a token, as api/main.ts runs it with API_TOKENS set.
    const secured = createApp({ client: env.stack.temporal.client, connection: env.stack.temporal.connection, taskQueue: env.stack.taskQueue, security: securityFromEnv({ API_TOKENS: token }) });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const srv = serve({ fetch: secured.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
    });
    try {
      const page = await env.newPage();
      await page.goto(`http://localhost:${(server.address() as AddressInfo).port}/`);
      const dialog = page.getByRole('dialog', { name: 'API token' });
      await dialog.getByLabel('Token').fill('not-the-token-0123456789');
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await dialog.getByText('The API refused the token.').waitFor();
      await dialog.getByLabel('Token').fill(token);
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await page.getByRole('row').filter({ hasText: 'ui copy' }).first().waitFor();
      expect(await page.evaluate('sessionStorage.getItem("es-api-token")')).toBe(token);
      expect(await page.evaluate('localStorage.getItem("es-api-token")')).toBeNull();

      await page.getByRole('button', { name: 'Switch to dark mode' }).click();
      await page.reload();
      expect(await page.evaluate('document.documentElement.className')).toContain('dark');
      // Same tab, same session: no second prompt.
      await page.getByRole('row').filter({ hasText: 'ui copy' }).first().waitFor();
      expect(await dialog.count()).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
