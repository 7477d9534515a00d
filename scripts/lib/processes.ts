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
 * V8 flags for worker processes. Left alone, V8 grows the heap lazily on a machine with plenty of
 * RAM (a 1M-row copy reached ~500 MiB RSS); a capped old space makes it collect instead. Batches
 * are bounded, so the cap is not reached.
 *
 * A cap this small also makes V8 grow the heap by only 10% between full collections, so a worker
 * whose live heap is ~32 MiB (the SDK, the workflow bundle) would run a full mark-compact every
 * few hundred milliseconds while copying; `--heap-growing-percent=50` lets it grow by half, which
 * cuts the worker's CPU per copy by about a third at the same peak RSS.
 *
 * The semi-space (young generation) trades memory for GC work, which the row path (every value
 * decoded) feels most; 8 MiB against V8's 16 keeps that path's peak ~15 MiB lower.
 *
 * Not set: `--no-memory-reducer --no-flush-bytecode`. Idle, V8 shrinks the heap and drops bytecode
 * it has not run lately, and the next migration pays to grow and compile again, but without the
 * reducer the Hydrolix path peaks too close to the 256 MiB bound.
 */
export function workerNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const args = [
    `--max-old-space-size=${Number(env.WORKER_MAX_OLD_SPACE_MB ?? 128)}`,
    `--max-semi-space-size=${Number(env.WORKER_MAX_SEMI_SPACE_MB ?? 8)}`,
    `--heap-growing-percent=${Number(env.WORKER_HEAP_GROWING_PERCENT ?? 50)}`,
  ];
  // e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile a bench's worker (NODE_OPTIONS refuses those).
  if (env.WORKER_NODE_ARGS) args.push(...env.WORKER_NODE_ARGS.split(/\s+/).filter(Boolean));
  return args;
}

/**
 * Environment for worker processes: glibc's malloc arenas capped at 2 (its default is 8 per core,
 * and zlib on the libuv threadpool and the SDK's threads each grow their own), which keeps the
 * worker's peak RSS 10–20 MiB lower at the same speed.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}

/** The compiled worker (`npm run build`, scripts/build.ts): plain JS, ~50 MiB lighter than through tsx. */
export const WORKER_ENTRY = resolve(ROOT, 'dist', 'worker', 'main.js');

export function spawnWorker(env: NodeJS.ProcessEnv, stdio: StdioOptions = 'inherit'): ChildProcess {
  if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run \`npm run build\` first`);
  return spawn(process.execPath, [...workerNodeArgs(env), WORKER_ENTRY], { cwd: ROOT, env: workerEnv(env), stdio });
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
