#!/usr/bin/env node
// The `epic-shelter` command. Loads the TypeScript sources through tsx's in-process require hook
// (no child process, no loader thread), so it runs from a checkout or an installed package
// without a build step.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
const { main } = createRequire(import.meta.url)('./main.ts');
const status = await main(process.argv.slice(2));
// Keep-alive sockets must not hold the process: the status is final.
process.exit(status);
