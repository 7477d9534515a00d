/**
 * Generated tables (every MariaDB type the source maps, nullable or not, integer / VARCHAR / UUID /
 * binary / composite keys, edge-biased values) copied with the real connectors through both paths
 * (decoded rows and packed text), whole or in the chunks the source plans, into PostgreSQL (either
 * boolean_as; append, or upsert with every batch sent twice) and the Hydrolix emulator; every landed value is compared with what MariaDB holds. Shrunk failures live on as fixed cases in regressions.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkCase, openHarness, stats, type Harness } from './harness';
import { params, timeout } from './settings';
import { tableCase } from './table-arb';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  console.log(`property cases: ${JSON.stringify(stats)}`);
  await h?.close();
});

const CI_RUNS = 40;

describe('generated tables, MariaDB → PostgreSQL and Hydrolix, both paths', () => {
  it(
    'every value lands as MariaDB holds it, or the documented mapping says how it changes',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          tableCase(),
          fc.integer({ min: 1, max: 8 }),
          fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          fc.constantFrom('boolean', 'smallint' as const),
          fc.constantFrom('append', 'append', 'upsert' as const),
          async (c, batchRows, chunkRows, booleanAs, writeMode) => {
            await checkCase(h, c, { batchRows, chunkRows, booleanAs, writeMode });
          },
        ),
        params(CI_RUNS),
      );
    },
    timeout(CI_RUNS, 1000),
  );
});
