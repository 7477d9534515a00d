/** `tsx scripts/ensure-temporal.ts` builds/caches the Temporal CLI if needed and prints its path. */
import { ensureTemporalCli } from './lib/temporal-cli';

console.log(ensureTemporalCli());
