/**
 * Cases the generated tests found, shrunk by fast-check and kept as fixed tests: each runs the
 * same copy-and-compare as copy.test.ts (harness.ts) on its literal table.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkCase, openHarness, type Harness } from './harness';
import type { TableCase } from './table-arb';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

const run = (c: TableCase, batchRows = 1) => checkCase(h, c, { batchRows });

describe('generated-test regressions', () => {
  it('a BIT(1) column with an ENUM copies into PostgreSQL through both paths', async () => {
    await run({
      collation: 'utf8mb4_bin',
      columns: [
        { name: 'id', type: { t: 'int', name: 'tinyint', unsigned: false }, nullable: false },
        { name: 'c0', type: { t: 'bit', n: 1 }, nullable: false },
        { name: 'c1', type: { t: 'enum', values: ['small'] }, nullable: false },
      ],
      key: ['id'],
      rows: [['0', '0', 'small']],
    });
  });
});
