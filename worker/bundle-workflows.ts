/**
 * Bundles the workflow code (webpack) into a file. Run as its own short-lived process by
 * worker/main.ts, so the worker itself never loads webpack: bundling in-process leaves the
 * worker ~200 MiB heavier for its whole life.
 */
import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOWS_PATH = join(__dirname, '..', 'workflows', `index${extname(__filename)}`);

async function main(out: string) {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: undefined });
  writeFileSync(out, code);
}

if (require.main === module) {
  main(process.argv[2]).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
