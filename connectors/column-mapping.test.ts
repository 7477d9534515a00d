/**
 * mapColumns and the value conversions behind casts: what is read, what is written, which casts
 * keep the packed path, the values the row path produces (canonical for the cast type), and the
 * setup checks that name the column.
 */
import { describe, expect, it } from 'vitest';
import { ColumnMappingError, conversion, mapColumns } from './column-mapping';
import { hydrolixTyping } from './hydrolix/type-map';
import { postgresTyping } from './postgres/type-map';
import type { Column, ColumnType, TableSchema, Value } from './types';

const col = (name: string, type: ColumnType, sourceType: string, nullable = true): Column => ({ name, type, nullable, sourceType });
const schema: TableSchema = {
  name: 't',
  columns: [
    col('id', { kind: 'int', bits: 64, unsigned: true }, 'bigint(20) unsigned', false),
    col('name', { kind: 'string', maxLength: 30 }, 'varchar(30)'),
    col('qty', { kind: 'int', bits: 32, unsigned: false }, 'int(11)'),
    col('price', { kind: 'decimal', precision: 10, scale: 2 }, 'decimal(10,2)'),
    col('at', { kind: 'datetime', fsp: 3, utc: false }, 'datetime(3)'),
    col('blob', { kind: 'binary' }, 'blob'),
  ],
  key: ['id'],
  keySource: 'primary',
};
const pg = postgresTyping(() => ({ booleanAs: 'boolean' }));
const spec = (columns: Record<string, { name?: string; cast?: string; skip?: boolean }>) => ({ table: 'd', columns });

/** The row-path value of a cast, or the error it throws. */
function convert(from: ColumnType, to: ColumnType, v: Value): Value | string {
  const how = conversion(from, to);
  if ('refused' in how) return `refused: ${how.refused}`;
  try {
    return how.convert ? how.convert(v) : v;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('mapColumns', () => {
  it('without a mapping is the identity (same schema objects: nothing changes for unmapped runs)', () => {
    const m = mapColumns(schema, { table: 'd' }, pg);
    expect(m.read).toBe(schema);
    expect(m.write).toBe(schema);
    expect(m.convert).toBeNull();
    expect(m.rowPath).toBeNull();
  });

  it('reads without skipped columns and writes under new names and cast types, the key renamed', () => {
    const m = mapColumns(schema, spec({ id: { name: 'order_id' }, blob: { skip: true }, qty: { cast: 'bigint', name: 'quantity' }, price: { cast: 'text' } }), pg);
    expect(m.read.columns.map((c) => c.name)).toEqual(['id', 'name', 'qty', 'price', 'at']);
    expect(m.write.columns.map((c) => `${c.name}:${c.type.kind}`)).toEqual(['order_id:int', 'name:string', 'quantity:int', 'price:string', 'at:datetime']);
    expect(m.write.key).toEqual(['order_id']);
    expect(m.nameOf('qty')).toBe('quantity');
    // Both casts' packed forms carry over: the packed path stays; decoded rows still get canonical values.
    expect(m.rowPath).toBeNull();
    expect(m.convert!(['5', 'n', 7, '1.50', '2024-01-01 00:00:00.000'])).toEqual(['5', 'n', '7', '1.50', '2024-01-01 00:00:00.000']);
  });

  it('sends a copy to the row path for a cast the packed form cannot carry, and converts its values', () => {
    const m = mapColumns(schema, spec({ at: { cast: 'date' } }), pg);
    expect(m.rowPath).toBe('cast at → date converted in the worker');
    expect(m.warnings).toEqual(['column at (datetime(3)) cast to date: the time of day is dropped']);
    expect(m.convert!(['1', null, 1, '2.00', '2024-02-03 04:05:06.789', null])[4]).toBe('2024-02-03');
  });

  it('translates a Hydrolix timestamp_column given by its source name', () => {
    const m = mapColumns(schema, { table: 'd', options: { timestamp_column: 'at' }, columns: { at: { name: 'event_time' } } }, hydrolixTyping);
    expect(m.spec.options?.timestamp_column).toBe('event_time');
  });

  it.each([
    [{ nope: { skip: true } }, {}, 'nope', /the source has no column nope \(it has id, name, qty, price, at, blob\)/],
    [{ id: { skip: true } }, {}, 'id', /id is a key column and cannot be skipped/],
    [{ at: { skip: true } }, { cursorColumn: 'at' }, 'at', /at is the cursor column and cannot be skipped/],
    [{ id: { cast: 'text' } }, {}, 'id', /id is a key column: it keeps its type/],
    [{ at: { cast: 'date' } }, { cursorColumn: 'at' }, 'at', /at is the cursor column: it keeps its type/],
    [{ qty: { name: 'name' } }, {}, 'qty', /qty and name would both be written to the destination column name/],
    [{ price: { cast: 'money' } }, {}, 'price', /unsupported cast "money" \(supported: text, varchar, varchar\(n\), /],
    [{ name: { cast: 'integer' } }, {}, 'name', /name \(varchar\(30\)\) cannot be cast to integer: text values are not all integers/],
    [{ blob: { cast: 'text' } }, {}, 'blob', /binary values are not text/],
    [{ price: { cast: 'numeric(10,1)' } }, {}, 'price', /would be rounded to 1 decimal places/],
    [{ blob: { skip: true, name: 'x' } }, {}, 'blob', /a skipped column takes no name or cast/],
    [{ name: { name: 'n'.repeat(64) } }, {}, 'name', /longer than the 63 bytes this destination keeps/],
  ])('refuses %j naming the column', (columns, ctx, column, message) => {
    let err: unknown;
    try {
      mapColumns(schema, spec(columns), pg, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ColumnMappingError);
    expect((err as ColumnMappingError).column).toBe(column);
    expect((err as Error).name).toBe('PermanentError');
    expect((err as Error).message).toMatch(new RegExp(`^destination_config\\.columns\\.${column}: `));
    expect((err as Error).message).toMatch(message);
  });

  it('knows each destination\'s casts', () => {
    expect(pg.castType('numeric(12,3)', schema.columns[2])).toEqual({ kind: 'decimal', precision: 12, scale: 3 });
    expect(pg.castType('numeric', schema.columns[3])).toEqual({ kind: 'decimal', precision: 10, scale: 2 });
    expect(pg.castType('timestamptz', schema.columns[4])).toEqual({ kind: 'datetime', fsp: 3, utc: true });
    expect(pg.castType('varchar(0)', schema.columns[1])).toBeNull();
    expect(pg.typeOf({ ...schema.columns[2], type: pg.castType('bigint', schema.columns[2])! }, { table: 'd' }).type).toBe('bigint');
    expect(hydrolixTyping.castType('uint64', schema.columns[2])).toEqual({ kind: 'int', bits: 64, unsigned: true });
    expect(hydrolixTyping.castType('text', schema.columns[2])).toBeNull();
  });
});

describe('value conversions', () => {
  const int = (bits: 8 | 16 | 32 | 64, unsigned = false): ColumnType => ({ kind: 'int', bits, unsigned });
  it('checks ranges when narrowing and writes canonical integers', () => {
    expect(conversion(int(32), int(64))).toMatchObject({ packed: true });
    expect(convert(int(32), int(64), 7)).toBe('7');
    expect(conversion(int(64), int(16))).toMatchObject({ packed: false });
    expect(convert(int(64), int(16), '32767')).toBe(32767);
    expect(convert(int(64), int(16), '32768')).toBe('error: value 32768 does not fit 16-bit integer');
    expect(convert(int(32), int(32, true), -1)).toBe('error: value -1 does not fit unsigned 32-bit integer');
    expect(convert({ kind: 'decimal', precision: 12, scale: 0 }, int(32), '123')).toBe(123);
    expect(convert({ kind: 'decimal', precision: 12, scale: 2 }, int(32), '1.50')).toMatch(/^refused: decimal\(12,2\) values are not all integers/);
  });

  it('fits decimals or fails the value', () => {
    const to = { kind: 'decimal', precision: 5, scale: 2 } as const;
    expect(conversion({ kind: 'decimal', precision: 4, scale: 1 }, to)).toMatchObject({ packed: true });
    expect(convert({ kind: 'decimal', precision: 10, scale: 2 }, to, '123.45')).toBe('123.45');
    expect(convert({ kind: 'decimal', precision: 10, scale: 2 }, to, '1234.50')).toBe('error: value 1234.50 does not fit decimal(5,2)');
    expect(convert(int(8), to, 100)).toBe('100');
    expect(convert({ kind: 'float', bits: 64 }, to, 1.5)).toMatch(/^refused: /);
  });

  it('moves dates and times between their forms', () => {
    const dt = { kind: 'datetime', fsp: 0, utc: false } as const;
    expect(convert({ kind: 'date' }, dt, '2024-01-02')).toBe('2024-01-02 00:00:00');
    expect(convert(dt, { kind: 'date' }, '2024-01-02 10:11:12')).toBe('2024-01-02');
    expect(conversion(dt, { kind: 'datetime', fsp: 0, utc: true })).toMatchObject({ packed: true, warning: 'wall-clock values are read as UTC' });
    expect(convert({ kind: 'string' }, { kind: 'date' }, '2024-01-02')).toMatch(/^refused: text values are not dates/);
  });

  it('writes text, numbers, booleans and bytes in their canonical forms', () => {
    expect(convert({ kind: 'float', bits: 64 }, { kind: 'string' }, 0.1)).toBe('0.1');
    expect(conversion({ kind: 'float', bits: 64 }, { kind: 'string' })).toMatchObject({ packed: false });
    expect(convert({ kind: 'json' }, { kind: 'string' }, '{"a":1}')).toBe('{"a":1}');
    expect(convert({ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'float', bits: 64 }, '1.25')).toBe(1.25);
    expect(convert(int(64), { kind: 'boolean' }, '1')).toBe(1);
    expect(convert({ kind: 'string' }, { kind: 'binary' }, 'é')).toEqual(Buffer.from('é', 'utf8'));
    expect(convert({ kind: 'string' }, { kind: 'json' }, '{}')).toMatch(/^refused: /);
    expect(convert(int(32), { kind: 'string', maxLength: 3 }, 12345)).toBe('12345');
    expect(conversion(int(32), { kind: 'string', maxLength: 3 })).toMatchObject({ warning: 'values longer than 3 characters fail the write' });
    expect(convert(int(32), { kind: 'string' }, null)).toBeNull();
  });
});
