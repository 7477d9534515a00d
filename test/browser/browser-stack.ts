/**
 * The whole product as a user meets it, for the browser tests: Temporal dev server, a worker, the
 * API app with the built dashboard served over real HTTP, and headless Chromium (playwright-core
 * with the system's /usr/bin/chromium). The dashboard is built first when it is missing or older
 * than its sources.
 */
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { type Browser, type Page, chromium } from 'playwright-core';
import { buildDashboard, DASHBOARD_DIST } from '../../dashboard/build';
import { startStack, type Stack } from '../support/stack';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
/** The width the dashboard is designed for (issue 14: usable at 1280 px). */
export const VIEWPORT = { width: 1280, height: 900 };

export interface BrowserStack {
  stack: Stack;
  baseUrl: string;
  browser: Browser;
  newPage(): Promise<Page>;
  stop(): Promise<void>;
}

export async function startBrowserStack(project: string): Promise<BrowserStack> {
  // Client types and the type check are `npm run build`'s job; here the bundle only has to match the sources.
  await buildDashboard({ check: false });
  if (!existsSync(join(DASHBOARD_DIST, 'index.html'))) throw new Error('the dashboard build wrote no index.html');
  const stack = await startStack({ project });
  await stack.startInProcessWorker();
  // The API app as api/main.ts serves it: the dashboard at /, the API under /api.
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: stack.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pages: Page[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    stack,
    baseUrl,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light', baseURL: baseUrl });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      pages.push(page);
      return page;
    },
    async stop() {
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stack.stop();
    },
  };
}

/** Polls `check` in the test process until it returns a value (the page polls the API on its own). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
