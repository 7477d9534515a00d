/** Spawns the project's TypeScript entry points as child processes (used by `npm start` and tests). */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/**
 * Runs `node --import tsx <entry>` directly (not the tsx CLI, which forks a second process):
 * the child PID is the program itself, so a signal sent to it (SIGKILL in tests) hits the real thing.
 */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv, stdio: StdioOptions = 'inherit', nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', resolve(ROOT, entry)], { cwd: ROOT, env, stdio });
}

/**
 * V8 flags for worker processes. Left alone, V8 grows the heap lazily on a machine with
 * plenty of RAM (a 1M-row copy reached ~500 MiB RSS); a capped old space makes it collect
 * instead, with no measured loss in speed. Batches are bounded, so the cap is not reached.
 * The semi-space (young generation) trades memory for GC work, which the row path (Hydrolix: every
 * value decoded) feels most. 1M rows into the Hydrolix emulator, worker CPU / peak RSS: 16 MiB
 * (V8's default) 18.4 s / 236 MiB, 8 MiB 20.4 s / 220 MiB, 4 MiB 27.2 s / 205 MiB. The packed path
 * into PostgreSQL barely allocates per row: its CPU did not move, its peak went 215–242 → 183–201 MiB.
 */
export function workerNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const args = [`--max-old-space-size=${Number(env.WORKER_MAX_OLD_SPACE_MB ?? 128)}`, `--max-semi-space-size=${Number(env.WORKER_MAX_SEMI_SPACE_MB ?? 8)}`];
  // e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile a bench's worker (NODE_OPTIONS refuses those).
  if (env.WORKER_NODE_ARGS) args.push(...env.WORKER_NODE_ARGS.split(/\s+/).filter(Boolean));
  return args;
}

/** The compiled worker (`npm run build`, scripts/build.ts): plain JS, ~50 MiB lighter than through tsx. */
export const WORKER_ENTRY = resolve(ROOT, 'dist', 'worker', 'main.js');

export function spawnWorker(env: NodeJS.ProcessEnv, stdio: StdioOptions = 'inherit'): ChildProcess {
  if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run \`npm run build\` first`);
  return spawn(process.execPath, [...workerNodeArgs(env), WORKER_ENTRY], { cwd: ROOT, env, stdio });
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

/** Sends a signal and waits; escalates to SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await waitForExit(child);
  clearTimeout(timer);
}
