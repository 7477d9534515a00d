/**
 * Bundles the workflow code (webpack) into a file. Run as its own short-lived process by
 * worker/main.ts, so the worker itself never loads webpack: bundling in-process leaves the
 * worker ~200 MiB heavier for its whole life. The Docker image runs it once at build time
 * (WORKER_WORKFLOW_BUNDLE).
 */
import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger, TemporalLogAdapter } from './logging';

export const WORKFLOWS_PATH = join(__dirname, '..', 'workflows', `index${extname(__filename)}`);

async function main(out: string) {
  // webpack's report is noise at info; LOG_LEVEL=debug shows it.
  const level = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace' ? process.env.LOG_LEVEL : 'warn';
  const logger = createLogger({ ...process.env, LOG_LEVEL: level }, { service: 'worker' });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new TemporalLogAdapter(logger) });
  writeFileSync(out, code);
}

if (require.main === module) {
  main(process.argv[2]).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
