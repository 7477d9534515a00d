/**
 * `tsx scripts/ensure-temporal.ts` builds/caches the Temporal binaries if needed and prints the CLI's path:
 * the CLI (dev server, tests) and, for `npm run cluster` and the cluster tests, the production server,
 * temporal-sql-tool and the Web UI server. Each is built from its Go module once, then reused.
 */
import { ensureClusterBinaries } from './lib/cluster-build';
import { ensureTemporalCli } from './lib/temporal-cli';

console.log(ensureTemporalCli());
ensureClusterBinaries();
