import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bundles the workflows in a child process and returns the bundle's path. */
export async function bundleInChildProcess(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'epic-shelter-bundle-')), 'workflows.js');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'bundle-workflows.ts'), out], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: join(__dirname, '..'),
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bundling the workflows failed (exit ${code})`);
  return out;
}
