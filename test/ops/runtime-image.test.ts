/**
 * The worker and API images' contents, assembled without Docker: the production dependency tree
 * (what `npm ci --omit=dev` installs: `npm ls --omit=dev`), the compiled dist/ and the workflow
 * bundle built as the Dockerfile's build stage does, and deploy/healthcheck.mjs, in a directory of
 * their own. The worker and the API run from there with `node`, as the images' CMDs do, pass their
 * health checks, and carry a migration to the end.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, stopProcess } from '../../scripts/lib/processes';
import { seedSales } from '../../scripts/seed-sales';
import { startHydrolixEmulator } from '../hydrolix-emulator';
import { mariadb, MARIADB_URL, uniqueName } from '../support/mariadb';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { StopWaiting, waitFor } from '../support/wait';

const run = promisify(execFile);
const ROWS = 4_000;
const table = uniqueName('ops_image');
const app = mkdtempSync(join(tmpdir(), 'ops-image-'));

let temporal: TestTemporal;
let emulator: Awaited<ReturnType<typeof startHydrolixEmulator>>;
const processes: Array<{ child: ChildProcess; out: string }> = [];
let apiPort: number;
let healthPort: number;

/** Hard links (same file system) or copies of the production dependency tree, nested packages once. */
function installProductionDependencies(): number {
  const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((p) => p && p !== ROOT)
    .sort();
  const copied: string[] = [];
  for (const p of paths) {
    if (copied.some((c) => p.startsWith(c + sep))) continue; // inside a package already copied
    const target = join(app, relative(ROOT, p));
    mkdirSync(dirname(target), { recursive: true });
    try {
      execFileSync('cp', ['-al', p, target]);
    } catch {
      cpSync(p, target, { recursive: true });
    }
    copied.push(p);
  }
  return copied.length;
}

/** A process started in the assembled directory with only the environment given (no tsx, no NODE_OPTIONS). */
function start(args: string[], env: Record<string, string>): { child: ChildProcess; out: string } {
  const child = spawn(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH ?? '', HOME: app, NODE_ENV: 'production', LOG_FORMAT: 'json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p = { child, out: '' };
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (p.out += d.toString('utf8')));
  processes.push(p);
  return p;
}

function waitForLine(p: { child: ChildProcess; out: string }, text: string) {
  return waitFor(
    async () => {
      if (p.child.exitCode !== null) throw new StopWaiting(`exited ${p.child.exitCode}: ${p.out}`);
      return p.out.includes(text) || undefined;
    },
    90_000,
    `"${text}"`,
  );
}

beforeAll(async () => {
  const packages = installProductionDependencies();
  expect(packages).toBeGreaterThan(20);
  // Build output (test/support/build-runtime.ts built dist/ for this run), as the build stage leaves it.
  cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  mkdirSync(join(app, 'deploy'));
  cpSync(join(ROOT, 'deploy/healthcheck.mjs'), join(app, 'deploy/healthcheck.mjs'));
  await run(process.execPath, ['dist/worker/bundle-workflows.js', 'dist/workflow-bundle.js'], { cwd: app, env: { PATH: process.env.PATH ?? '' } });

  await seedSales(MARIADB_URL, ROWS, table);
  temporal = await startTestTemporal();
  emulator = await startHydrolixEmulator({ port: 0, users: [{ username: 'admin@example.com', password: 'image-secret' }] });
  apiPort = await freePort();
  healthPort = await freePort();
  const common = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: `ops-image-${table}` };
  const worker = start(['--max-old-space-size=128', 'dist/worker/main.js'], {
    ...common,
    WORKER_WORKFLOW_BUNDLE: join(app, 'dist/workflow-bundle.js'),
    WORKER_HEALTH_PORT: String(healthPort),
    WORKER_METRICS_PORT: '0',
    SINGLESTORE_URL: MARIADB_URL,
    HYDROLIX_URL: emulator.url,
    HYDROLIX_USERNAME: 'admin@example.com',
    HYDROLIX_PASSWORD: 'image-secret',
    HYDROLIX_PROJECT: 'ops_image',
    HYDROLIX_VISIBILITY_WAIT_MS: '0',
  });
  const api = start(['dist/api/main.js'], { ...common, PORT: String(apiPort), HOST: '127.0.0.1', API_METRICS_PORT: '0' });
  await waitForLine(worker, 'worker polling');
  await waitForLine(api, 'API listening');
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p.child);
  await emulator?.close();
  await temporal?.stop();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
  rmSync(app, { recursive: true, force: true });
});

describe('the runtime image contents, run without Docker', () => {
  it('hold no development dependency', () => {
    for (const dev of ['esbuild', 'tsx', 'typescript', 'vitest', 'vite', 'chdb']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
  });

  it('pass the images\' health checks', async () => {
    const check = (role: string, env: Record<string, string>) =>
      run(process.execPath, ['deploy/healthcheck.mjs', role], { cwd: app, env: { PATH: process.env.PATH ?? '', ...env } }).then(() => 0, (e: { code: number }) => e.code);
    expect(await check('worker', { WORKER_HEALTH_PORT: String(healthPort) })).toBe(0);
    expect(await check('api', { PORT: String(apiPort) })).toBe(0);
  });

  it('copy a table end to end through the API', async () => {
    const base = `http://127.0.0.1:${apiPort}`;
    const res = await fetch(`${base}/api/migrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'image check', source_type: 'SINGLESTORE', source_config: { table }, destination_type: 'HYDROLIX', destination_config: { table: 'ops_image' } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const done = await waitFor(
      async () => {
        const m = (await (await fetch(`${base}/api/migrations/${id}`)).json()) as { status: string; error?: string; rows_copied: number; verification?: { ok: boolean } };
        if (m.status === 'failed' || m.status === 'cancelled') throw new StopWaiting(`${m.status}: ${m.error}`);
        return m.status === 'completed' ? m : undefined;
      },
      120_000,
      'the migration to complete',
    );
    expect(done.rows_copied).toBe(ROWS);
    expect(done.verification?.ok).toBe(true);
    expect(emulator.state.rows('ops_image', 'ops_image').rows).toHaveLength(ROWS);
  });
});
