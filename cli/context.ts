/** What every command needs, built from the global options when it runs. */
import type { Command } from 'commander';
import { ApiClient, configFromEnv } from './client';
import { output, type Output } from './output';
import { watchMigration } from './watch';

export interface Context {
  client: ApiClient;
  out: Output;
  /** Follows a migration to its end (see watch.ts); the exit status. */
  watch(id: string, intervalSeconds?: number): Promise<number>;
}

/** Seconds between polls while watching. */
export const DEFAULT_INTERVAL_S = 1;

export function contextOf(cmd: Command): Context {
  const g = cmd.optsWithGlobals<{ url?: string; json?: boolean }>();
  const client = new ApiClient(configFromEnv(process.env, g.url));
  const json = g.json === true;
  return {
    client,
    out: output(json),
    watch: (id, intervalSeconds = DEFAULT_INTERVAL_S) =>
      watchMigration(client, id, { json, tty: process.stdout.isTTY === true, intervalMs: intervalSeconds * 1000, out: process.stdout, err: process.stderr }),
  };
}

/** Registers a command's action: it gets the context and commander's arguments, and returns its exit status (undefined: 0). */
export type Run = (cmd: Command, fn: (ctx: Context, ...args: any[]) => Promise<number | void>) => void;
