/**
 * The Dockerfile, checked without a Docker engine: a supported Node LTS base, separate build and
 * runtime stages, production dependencies only where the worker and API run, a non-root user,
 * health checks; and the health-check script the images run, against real endpoints.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/processes';
import { dockerfileStages, lineage, type Stage } from './dockerfile';

const run = promisify(execFile);
const stages = dockerfileStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const stage = (name: string) => stages.find((s) => s.name === name)!;
const all = (s: Stage[], keyword: string) => s.flatMap((x) => x.instructions.filter((i) => i.keyword === keyword).map((i) => i.args));
/** Node.js release lines and their end of life (nodejs.org/en/about/previous-releases). */
const NODE_EOL: Record<number, string> = { 18: '2025-04-30', 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

describe('Dockerfile', () => {
  it('builds on a Node.js LTS line that is still supported', () => {
    const bases = stages.map((s) => s.from).filter((f) => !stages.some((s) => s.name === f));
    expect(new Set(bases).size).toBe(1);
    const m = /^node:(\d+)(\.\d+)*-(bookworm|trixie)-slim$/.exec(bases[0]);
    expect(m, bases[0]).not.toBeNull();
    const major = Number(m![1]);
    expect(major % 2, 'an even (LTS) release line').toBe(0);
    expect(NODE_EOL[major], `Node ${major} has a known end of life`).toBeDefined();
    expect(Date.now()).toBeLessThan(Date.parse(NODE_EOL[major]));
  });

  it('has worker and api targets that run the compiled code as a non-root user with a health check', () => {
    for (const [target, entry, check] of [
      ['worker', 'dist/worker/main.js', 'worker'],
      ['api', 'dist/api/main.js', 'api'],
    ] as const) {
      const chain = lineage(stages, target);
      expect(chain.map((s) => s.name)).toEqual([target, 'runtime']);
      const users = all([...chain].reverse(), 'USER');
      expect(users.at(-1), `${target} runs as`).toBe('node');
      expect(JSON.parse(all(chain, 'CMD')[0])).toContain(entry);
      expect(all(chain, 'HEALTHCHECK')[0]).toContain(`"deploy/healthcheck.mjs", "${check}"`);
    }
    // The default target (last stage) is one of them, not a build or test stage.
    expect(stages.at(-1)!.name).toBe('api');
  });

  it('gives the runtime stages production dependencies only, and the build output of the build stage', () => {
    expect(all([stage('deps')], 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    const copies = all([stage('runtime')], 'COPY');
    const fromStages = copies.filter((c) => c.startsWith('--from='));
    expect(fromStages).toContain('--from=deps /app/node_modules ./node_modules');
    // Nothing else from the build stage's node_modules (it holds the dev dependencies).
    for (const c of fromStages.filter((c) => c.startsWith('--from=build'))) expect(c).toMatch(/^--from=build \/app\/(dist|dashboard\/dist) /);
    for (const c of copies.filter((c) => !c.startsWith('--from='))) {
      for (const src of c.split(' ').slice(0, -1)) expect(existsSync(join(ROOT, src)), `COPY ${src}`).toBe(true);
    }
    // The API finds dashboard/dist next to the package.json above dist/ (api/dashboard.ts).
    expect(copies).toContain('--from=build /app/dashboard/dist ./dashboard/dist');
    expect(copies).toContain('package.json ./');
    // The build stage bundles the workflows once; the worker is told where.
    expect(all([stage('build')], 'RUN').join(' ')).toContain('node dist/worker/bundle-workflows.js dist/workflow-bundle.js');
    expect(all([stage('worker')], 'ENV').join(' ')).toContain('WORKER_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
  });

  it('keeps build tools out of the production dependencies the runtime stages install', () => {
    const buildTools = ['esbuild', 'tsx', 'typescript', 'vite', 'vitest', 'webpack-cli'];
    expect(Object.keys(pkg.dependencies).filter((d) => buildTools.includes(d))).toEqual([]);
  });

  it('ships compiled code that loads only production dependencies (dist/, as built for the image)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
    const loaded = new Set<string>();
    for (const f of files(join(ROOT, 'dist'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)/g)) loaded.add(m[1]);
    }
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    const builtin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec);
    const outside = [...loaded].filter((spec) => !builtin(spec) && !(packageOf(spec) in pkg.dependencies));
    expect(loaded.size).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });

  it('runs the emulator of the demo as a non-root user on every interface', () => {
    const emu = stage('hydrolix-emulator');
    expect(emu.from).toBe('build');
    expect(all([emu], 'USER')).toEqual(['node']);
    expect(all([emu], 'ENV').join(' ')).toContain('HYDROLIX_EMULATOR_HOST=0.0.0.0');
    expect(all([emu], 'HEALTHCHECK')).toHaveLength(1);
    expect(existsSync(join(ROOT, 'deploy/hydrolix-emulator.ts'))).toBe(true);
  });

  it('ignores local build output and dependencies in the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', '.data', '.git', '.env']) expect(ignored).toContain(p);
  });
});

describe('deploy/healthcheck.mjs (the images\' HEALTHCHECK)', () => {
  let status = 200;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  const check = (args: string[], env: Record<string, string>) =>
    run(process.execPath, [join(ROOT, 'deploy/healthcheck.mjs'), ...args], { env: { ...process.env, ...env } }).then(
      () => 0,
      (e: { code: number }) => e.code,
    );

  it('exits 0 while the endpoint answers 200 and 1 when it answers 503 or nothing listens', async () => {
    status = 200;
    expect(await check(['worker'], { WORKER_HEALTH_PORT: String(port) })).toBe(0);
    expect(await check(['api'], { PORT: String(port) })).toBe(0);
    expect(await check(['tcp', String(port)], {})).toBe(0);
    status = 503;
    expect(await check(['worker'], { WORKER_HEALTH_PORT: String(port) })).toBe(1);
    server.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await check(['api'], { PORT: String(port) })).toBe(1);
    expect(await check(['tcp', String(port)], {})).toBe(1);
    expect(await check(['bogus'], {})).toBe(2);
  });
});
