import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';

/** Bundles the workflows in a child process and returns the bundle's path. */
export async function bundleInChildProcess(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'epic-shelter-bundle-')), 'workflows.js');
  // Next to this file: bundle-workflows.ts under tsx, bundle-workflows.js in the compiled dist/.
  const ext = extname(__filename);
  const child = spawn(process.execPath, [...(ext === '.ts' ? ['--import', 'tsx'] : []), join(__dirname, `bundle-workflows${ext}`), out], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: join(__dirname, '..'),
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bundling the workflows failed (exit ${code})`);
  return out;
}
