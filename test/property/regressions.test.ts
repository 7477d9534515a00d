/**
 * Cases the generated tests found, shrunk by fast-check and kept as fixed tests: each runs the
 * same copy-and-compare as copy.test.ts (harness.ts) on its literal table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCase, openHarness, sourceBothWays, type Harness } from './harness';
import { checkLanded } from './landed';
import { createAndFill, q } from './mariadb-table';
import type { TableCase } from './table-arb';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

const run = (c: TableCase, batchRows = 1) => checkCase(h, c, { batchRows });

/** The source's two paths over the whole table, as COPY text (packed.test.ts). */
async function sourcePaths(c: TableCase, batchRows = 1) {
  const name = `propreg_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await createAndFill(h.maria, name, c);
    const schema = await h.src.getSchema({ table: name });
    return await sourceBothWays(h, name, schema, { after: null, upTo: null }, batchRows);
  } finally {
    await h.maria.query(`DROP TABLE IF EXISTS ${q(name)}`);
  }
}

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

  it('YEAR 0 (MariaDB prints 0000) is the canonical 0 on the packed path too', async () => {
    const { text, rows } = await sourcePaths({
      collation: 'utf8mb4_bin',
      columns: [
        { name: 'id', type: { t: 'int', name: 'mediumint', unsigned: false }, nullable: false },
        { name: 'c0', type: { t: 'year' }, nullable: false },
      ],
      key: ['id'],
      rows: [['-8388608', '0'], ['0', '1901']],
    });
    expect(text).toEqual(rows);
  });

  // PostgreSQL text cannot hold U+0000: the copy must stop with a PermanentError (not retry, not
  // change the value); Hydrolix keeps it.
  it('a NUL character in a string fails the PostgreSQL copy permanently and lands in Hydrolix', async () => {
    await run({
      collation: 'utf8mb4_general_ci',
      columns: [
        { name: 'k1', type: { t: 'int', name: 'int', unsigned: false }, nullable: false },
        { name: 'k2', type: { t: 'varchar', n: 20 }, nullable: false },
        { name: 'c0', type: { t: 'text', name: 'text' }, nullable: true },
      ],
      key: ['k1', 'k2'],
      rows: [['-2147483648', 'a', 'x\u0000y'], ['0', 'b', null]],
    });
  });

  it('a JSON string holding \\u0000 fails the PostgreSQL copy permanently (jsonb cannot hold it) and lands in Hydrolix', async () => {
    await run({
      collation: 'utf8mb4_bin',
      columns: [
        { name: 'id', type: { t: 'int', name: 'bigint', unsigned: true }, nullable: false },
        { name: 'j', type: { t: 'json' }, nullable: true },
      ],
      key: ['id'],
      rows: [['18446744073709551615', '"\\u0000"'], ['0', '{}']],
    });
  });

  // MariaDB's utf8mb4_general_ci puts 'a ' before '\N'; Hydrolix compares bytes ('\N' first). A
  // resumed chunk then counts the wrong rows in its range: the destination must warn at createTable
  // (as PostgreSQL does for string keys), or answer as the source orders.
  it('a VARCHAR key under a case-insensitive collation: Hydrolix warns, or landedRows follows the source order', async () => {
    await checkLanded(h, {
      collation: 'utf8mb4_general_ci',
      columns: [
        { name: 'k', type: { t: 'varchar', n: 8 }, nullable: false },
        { name: 'c0', type: { t: 'timestamp', fsp: 0 }, nullable: false },
      ],
      key: ['k'],
      rows: [['a ', '1970-01-02 00:00:00'], ['\\N', '1970-01-01 00:00:01']],
    }, 1);
  });

  // The resume query aliases count() AS n: ClickHouse resolves the key column `n` in WHERE to that
  // alias and refuses the query, so a chunk of such a table cannot resume (or be settled) at all.
  it('a key column named n: Hydrolix landedRows answers for every chunk', async () => {
    await checkLanded(h, {
      collation: 'utf8mb4_bin',
      columns: [
        { name: 'day', type: { t: 'date' }, nullable: false },
        { name: 'n', type: { t: 'int', name: 'smallint', unsigned: true }, nullable: false },
      ],
      key: ['day', 'n'],
      rows: [['1970-01-01', '0'], ['1970-01-02', '7']],
    }, 1);
  });
});
