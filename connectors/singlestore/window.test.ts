import { describe, expect, it } from 'vitest';
import type { TableSchema } from '../types';
import { windowedRef } from './sql';

const schema: TableSchema = {
  name: 't',
  columns: [
    { name: 'id', type: { kind: 'int', bits: 32, unsigned: false }, nullable: false, sourceType: 'int' },
    { name: 'updated_at', type: { kind: 'datetime', fsp: 0, utc: false }, nullable: false, sourceType: 'datetime' },
  ],
  key: ['id'],
  keySource: 'primary',
};

describe('windowedRef', () => {
  it('an incremental window: exclusive `after`, inclusive `from`, inclusive `upTo`, values escaped', () => {
    const w = (after: string | null, from: string | null) => windowedRef({ table: 't', window: { column: 'updated_at', after, from, upTo: '2024-01-02 00:00:00' } }, schema, 'mysql');
    expect(w(null, '2024-01-01 00:00:00')).toBe(
      "(SELECT * FROM `t` WHERE `updated_at` >= '2024-01-01 00:00:00' AND `updated_at` <= '2024-01-02 00:00:00') AS _es_w",
    );
    expect(w('2024-01-01 00:00:00', null)).toContain("`updated_at` > '2024-01-01 00:00:00' AND");
    expect(w(null, "x' OR 1 --")).toContain("'x\\' OR 1 --'");
  });
});
