/**
 * Locates (and if needed builds) the production Temporal server, its SQL schema tool and the Web UI
 * server. Like the CLI (temporal-cli.ts), nothing is downloaded at run time: each binary is built
 * from its Go module through the Go module proxy and cached outside the checkout, so fresh clones
 * and CI reuse it. A build lands in a `.partial` directory first and is renamed when complete, so
 * an interrupted build is never mistaken for a cached one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from './temporal-cli';
import { goBinary } from './go';

export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';
export const UI_SERVER_VERSION = 'v2.42.1';

export interface ClusterBinaries {
  /** `cmd/server`: frontend, history, matching and worker services in one process. */
  server: string;
  /**
   * `cmd/tools/sql` (temporal-sql-tool): sets up and updates schemas. The server module's schemas
   * (`schema/postgresql/v12/{temporal,visibility}/versioned`) are embedded in it: `--schema-name`.
   */
  sqlTool: string;
  /** ui-server `cmd/server`: the Web UI the CLI embeds, in front of any frontend. */
  uiServer: string;
}

type Log = (msg: string) => void;
const stderrLog: Log = (m) => process.stderr.write(`${m}\n`);

export function serverDir(): string {
  return join(cacheDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

export function uiServerDir(): string {
  return join(cacheDir(), `ui-server-${UI_SERVER_VERSION}`);
}

function paths(): ClusterBinaries {
  const dir = serverDir();
  return {
    server: join(dir, 'server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    uiServer: join(uiServerDir(), 'server'),
  };
}

/** The cached binaries, or undefined when one is missing (nothing is built). */
export function cachedClusterBinaries(): ClusterBinaries | undefined {
  const p = paths();
  return [p.server, p.sqlTool, p.uiServer].every((f) => existsSync(f)) ? p : undefined;
}


/** Builds at nice 10: the machine's other work (tests, other builds) keeps its share of the cores. */
function go(goBin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod', ...opts.env };
  return execFileSync('nice', ['-n', '10', goBin, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 }).toString();
}

/**
 * `go install pkg@version` for each package into `gobin`. When the proxy refuses the module's version
 * list (`go install` asks it for deprecation notices), the same packages are built from a throwaway
 * module that requires the exact version instead.
 */
function installPackages(goBin: string, module: string, version: string, pkgs: string[], gobin: string, log: Log): void {
  try {
    go(goBin, ['install', ...pkgs.map((p) => `${module}${p}@${version}`)], { env: { GOBIN: gobin } });
    return;
  } catch (err) {
    log(`go install ${module}@${version} failed (${(err as Error).message.split('\n')[0]}); building from a throwaway module`);
  }
  const work = mkdtempSync(join(tmpdir(), 'es-go-build-'));
  try {
    go(goBin, ['mod', 'init', 'es.local/build'], { cwd: work });
    go(goBin, ['get', `${module}@${version}`], { cwd: work });
    for (const p of pkgs) go(goBin, ['build', '-o', join(gobin, p.split('/').pop()!), `${module}${p}`], { cwd: work });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function buildServer(goBin: string, log: Log): void {
  const dir = serverDir();
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`building Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool into ${dir} (first time only; takes many minutes)`);
  installPackages(goBin, TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION, ['/cmd/server', '/cmd/tools/sql'], partial, log);
  renameSync(join(partial, 'sql'), join(partial, 'temporal-sql-tool'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
}

function buildUiServer(goBin: string, log: Log): void {
  const dir = uiServerDir();
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`building Temporal Web UI server ${UI_SERVER_VERSION} into ${dir} (first time only; takes minutes)`);
  installPackages(goBin, UI_SERVER_MODULE, UI_SERVER_VERSION, ['/cmd/server'], partial, log);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
}

/** Returns the cluster binaries, building whichever is missing. Idempotent. */
export function ensureClusterBinaries(log: Log = stderrLog): ClusterBinaries {
  const p = paths();
  if (cachedClusterBinaries()) return p;
  const goBin = goBinary(`the Temporal server (${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION})`);
  if (![p.server, p.sqlTool].every((f) => existsSync(f))) buildServer(goBin, log);
  if (!existsSync(p.uiServer)) buildUiServer(goBin, log);
  return p;
}
