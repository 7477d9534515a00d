#!/usr/bin/env node
// The `epic-shelter` command. Loads the TypeScript sources through tsx's in-process require hook
// (no child process, no loader thread), so it runs from a checkout or an installed package
// without a build step.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let register;
try {
  ({ register } = require('tsx/cjs/api'));
} catch {
  process.stderr.write('epic-shelter: the package "tsx" is missing; install the dependencies (npm ci) first\n');
  process.exit(1);
}
register();
const { main } = require('./main.ts');
const status = await main(process.argv.slice(2));
// Keep-alive sockets must not hold the process: the status is final.
process.exit(status);
