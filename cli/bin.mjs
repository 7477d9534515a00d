#!/usr/bin/env node
// The `epic-shelter` command. Runs the compiled dist/cli/main.js (`npm run build`) when it is at
// least as new as the sources; otherwise the TypeScript sources through tsx's in-process require
// hook (a development dependency: no child process, no loader thread), so an edited checkout
// never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = join(here, '..', 'dist', 'cli', 'main.js');
const require = createRequire(import.meta.url);

/** Newest modification time of the .ts sources under dir (0 when there are none, as in a package without them). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function load() {
  const built = existsSync(compiled) ? statSync(compiled).mtimeMs : -1;
  if (built >= 0 && built >= newestSource(here)) return require(compiled);
  try {
    require('tsx/cjs/api').register();
  } catch {
    if (built >= 0) return require(compiled); // sources newer, but nothing to run them with
    process.stderr.write('epic-shelter: run `npm run build` first (or install the development dependencies for tsx)\n');
    process.exit(1);
  }
  return require('./main.ts');
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const status = await load().main(process.argv.slice(2));
// Keep-alive sockets must not hold the process: the status is final.
process.exit(status);
