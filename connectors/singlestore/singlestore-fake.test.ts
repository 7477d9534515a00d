/** SingleStore-only behaviour, driven through fake metadata and rows (no S2 server is reachable). */
import { describe, expect, it } from 'vitest';
import type { Row } from '../types';
import type { Queryable } from './flavor';
import { countRows, planBoundaries, readData } from './read';
import { describeSource } from './schema';

/** Answers by SQL prefix and records every statement. */
function fakeS2(pages: unknown[][][]): Queryable & { log: Array<{ sql: string; params?: unknown[] }> } {
  const log: Array<{ sql: string; params?: unknown[] }> = [];
  return {
    log,
    async query(q: unknown, params?: unknown[]) {
      const sql = typeof q === 'string' ? q : (q as { sql: string }).sql;
      log.push({ sql, params });
      if (sql.includes('information_schema.COLUMNS')) {
        return [[
          { name: 'id', dataType: 'bigint', columnType: 'bigint(20)', nullable: 'NO', charMaxLength: null, precision: 19, scale: 0, fsp: null },
          { name: 'sk', dataType: 'int', columnType: 'int(11)', nullable: 'NO', charMaxLength: null, precision: 10, scale: 0, fsp: null },
          { name: 'doc', dataType: 'JSON', columnType: 'JSON', nullable: 'YES', charMaxLength: null, precision: null, scale: null, fsp: null },
          { name: 'flags', dataType: 'bit', columnType: 'bit(12)', nullable: 'YES', charMaxLength: null, precision: 12, scale: null, fsp: null },
          { name: 'at', dataType: 'timestamp', columnType: 'timestamp(6)', nullable: 'YES', charMaxLength: null, precision: null, scale: null, fsp: 6 },
          { name: 'dt', dataType: 'datetime', columnType: 'datetime', nullable: 'YES', charMaxLength: null, precision: null, scale: null, fsp: 0 },
          { name: 'f', dataType: 'float', columnType: 'float', nullable: 'YES', charMaxLength: null, precision: null, scale: null, fsp: null },
          { name: 'loc', dataType: 'geographypoint', columnType: 'geographypoint', nullable: 'YES', charMaxLength: null, precision: null, scale: null, fsp: null },
        ], []];
      }
      if (sql.includes('information_schema.STATISTICS')) {
        return [[
          { indexName: '__SHARDKEY', column: 'sk', seq: 1, nonUnique: 0, indexType: 'METADATA_ONLY' },
          { indexName: 'u_sk', column: 'sk', seq: 1, nonUnique: 0, indexType: 'HASH' },
          { indexName: 'u_id', column: 'id', seq: 1, nonUnique: 0, indexType: 'HASH' },
        ], []];
      }
      if (sql.startsWith('SHOW CREATE TABLE')) {
        return [[{ Table: 'events', 'Create Table': 'CREATE TABLE `events` (\n  `id` bigint(20) NOT NULL,\n  `sk` int(11) NOT NULL,\n  UNIQUE KEY `u_sk` (`sk`) UNENFORCED RELY,\n  UNIQUE KEY `u_id` (`id`) USING HASH,\n  SHARD KEY `__SHARDKEY` (`sk`),\n  SORT KEY `__UNORDERED` ()\n) AUTOSTATS_CARDINALITY_MODE=INCREMENTAL' }], []];
      }
      if (sql.includes('CHECK_CONSTRAINTS')) throw new Error('S2 has no CHECK_CONSTRAINTS; must not be asked');
      if (sql.startsWith('SELECT CAST(MIN(')) return [[['1', '3']], []];
      // A whole-table count is split at the key's midpoint: 2 rows up to it, 1 after.
      if (sql.startsWith('SELECT COUNT(*)')) return [[{ n: sql.includes('WHERE `id` > ?') ? '1' : '2' }], []];
      return [pages.shift() ?? [], []];
    },
  };
}

describe('SingleStore via fakes', () => {
  it('skips shard and unenforced keys, maps S2 spellings', async () => {
    const db = fakeS2([]);
    const s = await describeSource(db, 'db', { table: 'events' }, 'singlestore');
    expect(s).toMatchObject({ key: ['id'], keySource: 'unique' });
    expect(s.columns.map((c) => c.type.kind)).toEqual(['int', 'int', 'json', 'bit', 'datetime', 'datetime', 'float', 'string']);
    expect(db.log.some((l) => l.sql.startsWith('SHOW CREATE TABLE `events`'))).toBe(true);
  });

  it('reads with S2 expressions and canonicalises S2 values', async () => {
    const row = (id: string): unknown[] => [
      id, 7, { a: [1, { b: 'x' }] }, Buffer.from([0, 0, 0, 0, 0, 0, 0x0f, 0xff]), '1577836800.500000', '2024-01-02 03:04:05.000000', 1.100000023841858, 'POINT(1 2)',
    ];
    const db = fakeS2([[row('1'), row('2')], [row('3')]]);
    const schema = await describeSource(db, 'db', { table: 'events' }, 'singlestore');
    const ctx = { db, flavor: 'singlestore' as const, warn: () => {} };
    const batches: Row[][] = [];
    for await (const b of readData(ctx, { table: 'events' }, schema, { after: null, upTo: ['9'] }, { batchRows: 2 })) batches.push(b);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    expect(batches[0][0]).toEqual(['1', 7, '{"a":[1,{"b":"x"}]}', '4095', '2020-01-01 00:00:00.500000', '2024-01-02 03:04:05', 1.100000023841858, 'POINT(1 2)']);
    const reads = db.log.filter((l) => l.sql.startsWith('SELECT `id`'));
    expect(reads[0].sql).toBe(
      'SELECT `id`, `sk`, `doc`, `flags`, UNIX_TIMESTAMP(`at`), `dt`, (`f` :> DOUBLE), `loc` FROM `events` WHERE `id` <= ? ORDER BY `id` LIMIT 2',
    );
    expect(reads[1].sql).toContain('WHERE `id` > ? AND `id` <= ? ORDER BY `id` LIMIT 2');
    expect(String((reads[1].params![0] as { toSqlString(): string }).toSqlString())).toBe('2');
    expect(await countRows(ctx, { table: 'events' }, schema)).toBe(3);
    expect(db.log.filter((l) => l.sql.startsWith('SELECT COUNT(*)')).map((l) => l.sql.replace(/^.* FROM /, ''))).toEqual(['`events` WHERE `id` <= ?', '`events` WHERE `id` > ?']);
  });

  it('plans boundaries on a TIMESTAMP key through epoch seconds', async () => {
    const db = fakeS2([]);
    const schema = { ...(await describeSource(db, 'db', { table: 'events' }, 'singlestore')), key: ['at'], keySource: 'user' as const };
    const ctx = { db, flavor: 'singlestore' as const, warn: () => {} };
    const walked: string[] = [];
    const stream = async (sql: string, _params: unknown[], onRow: (r: unknown[]) => void) => {
      walked.push(sql);
      for (const t of ['1577836800.000000', '1577836800.500000', '1577836801.000000']) onRow([t]);
    };
    expect(await planBoundaries(ctx, stream, { table: 'events' }, schema, 2)).toEqual([['2020-01-01 00:00:00.500000']]);
    expect(walked).toEqual(['SELECT UNIX_TIMESTAMP(`at`) FROM `events` ORDER BY `at`']);
  });
});
