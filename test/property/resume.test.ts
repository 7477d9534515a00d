/**
 * What a resumed chunk relies on, generated: once a table landed, each destination's landedRows
 * over every chunk range the source plans reports the rows the source holds in that range and the
 * range's last key (the cursor the chunk would continue after). A destination that orders or
 * compares keys differently from the source (collation, padding, precision) would resume at the
 * wrong row: skipping rows or sending some twice.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness';
import { checkLanded } from './landed';
import { params, timeout } from './settings';
import { tableCase } from './table-arb';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

const CI_RUNS = 20;

describe('landedRows over the source\'s planned chunks', () => {
  it(
    'each destination reports the rows and the last key the source holds in every chunk range',
    async () => {
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(
          tableCase({ keys: ['varchar', 'composite', 'uuid', 'uuid-binary', 'int', 'temporal', 'decimal'], maxColumns: 2, maxRows: 16 }),
          fc.integer({ min: 1, max: 5 }),
          async (c, chunkRows) => {
            compared += await checkLanded(h, c, chunkRows, 'skip');
          },
        ),
        params(CI_RUNS),
      );
      expect(compared).toBeGreaterThan(0);
    },
    timeout(CI_RUNS, 1500),
  );
});
