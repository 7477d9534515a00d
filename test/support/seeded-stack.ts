/**
 * The usual end-to-end setup in one call: a uniquely named, seeded MariaDB table plus a
 * whole stack (Temporal dev server, Hydrolix emulator, API app, optionally an in-process
 * worker), torn down and dropped after the file's tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { mariadb, uniqueName } from './mariadb';
import { startStack, type Stack } from './stack';

export interface SeededStackOptions {
  prefix: string;
  project: string;
  /** Creates and fills the table. */
  seed: (table: string) => Promise<void>;
  inProcessWorker?: boolean;
  dynamicConfig?: Record<string, unknown>;
}

export interface SeededStack {
  readonly table: string;
  readonly stack: Stack;
  /** The in-process worker, when one was started. */
  readonly worker: Awaited<ReturnType<Stack['startInProcessWorker']>> | undefined;
}

export function seededStack(opts: SeededStackOptions): SeededStack {
  const table = uniqueName(opts.prefix);
  let stack: Stack | undefined;
  let worker: SeededStack['worker'];
  beforeAll(async () => {
    await opts.seed(table);
    stack = await startStack({ project: opts.project, dynamicConfig: opts.dynamicConfig });
    if (opts.inProcessWorker !== false) worker = await stack.startInProcessWorker();
  });
  afterAll(async () => {
    await stack?.stop();
    const db = await mariadb();
    await db.query(`DROP TABLE IF EXISTS \`${table}\``);
    await db.end();
  });
  return {
    table,
    get worker() {
      return worker;
    },
    get stack() {
      if (!stack) throw new Error('the stack starts in beforeAll');
      return stack;
    },
  };
}
