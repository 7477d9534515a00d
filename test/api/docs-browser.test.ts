/**
 * /docs in a real browser (the system Chromium): Swagger UI renders the document, every request
 * the page makes goes to the API itself (no CDN), and its Content-Security-Policy blocks nothing it needs.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: ServerType;
let browser: Browser;
let base: string;

beforeAll(async () => {
  // The docs never touch Temporal: stub deps are enough.
  const app = createApp({ client: {} as never, connection: {} as never, taskQueue: 'docs-test' });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

it('renders the API docs from local files only', async () => {
  const page = await browser.newPage();
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${base}/docs`);
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'Epic Shelter API' }).waitFor({ timeout: 30_000 });
  // The operations of the document are listed, with the bearer scheme behind "Authorize".
  await page.locator('.opblock-summary-path', { hasText: '/api/migrations/{id}/retry' }).first().waitFor();
  expect(await page.locator('button.authorize').count()).toBeGreaterThan(0);

  expect(requested.length).toBeGreaterThanOrEqual(5);
  expect(requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'))).toEqual([]);
  expect(requested).toContain(`${base}/openapi.json`);
  expect(problems).toEqual([]);
});
