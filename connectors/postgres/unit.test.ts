import { describe, expect, it } from 'vitest';
import { PermanentError, type Column, type ColumnType, type TableSchema } from '../types';
import { readConfig } from './config';
import { encodeRows, escapeCopyText, makeEncoders } from './copy-encode';
import { createTableSql, diffTable, wantedColumns } from './ddl';
import { destinationOptions } from './index';
import { isPermanentCode, sanitizeError, startupOptions } from './pool';
import { parseArray } from './schema';
import { maskSql, quoteIdent, rangeWhere, validateQuery } from './sql';
import { pgTypeFor, portableTypeFor, typeCompatible } from './type-map';
import { makeConverter, normalizeFraction } from './values';

const col = (name: string, type: ColumnType, nullable = true, sourceType: string = type.kind): Column => ({ name, type, nullable, sourceType });
const pgt = (type: ColumnType, booleanAs: 'boolean' | 'smallint' = 'boolean') => pgTypeFor(col('c', type), { booleanAs }).sql;

describe('type map portable → PostgreSQL', () => {
  it('maps integers by range, BIGINT UNSIGNED to numeric(20,0)', () => {
    const int = (bits: 8 | 16 | 24 | 32 | 64, unsigned: boolean) => pgt({ kind: 'int', bits, unsigned });
    expect([int(8, false), int(8, true), int(16, false)]).toEqual(['smallint', 'smallint', 'smallint']);
    expect([int(16, true), int(24, false), int(24, true), int(32, false)]).toEqual(['integer', 'integer', 'integer', 'integer']);
    expect([int(32, true), int(64, false)]).toEqual(['bigint', 'bigint']);
    expect(int(64, true)).toBe('numeric(20,0)');
  });
  it('maps the rest exactly, with warnings for lossy or surprising choices', () => {
    expect(pgt({ kind: 'boolean' })).toBe('boolean');
    expect(pgt({ kind: 'boolean' }, 'smallint')).toBe('smallint');
    expect(pgt({ kind: 'decimal', precision: 65, scale: 30 })).toBe('numeric(65,30)');
    expect(pgt({ kind: 'float', bits: 32 })).toBe('real');
    expect(pgt({ kind: 'float', bits: 64 })).toBe('double precision');
    expect(pgt({ kind: 'date' })).toBe('date');
    expect(pgt({ kind: 'datetime', fsp: 0, utc: false })).toBe('timestamp(0) without time zone');
    expect(pgt({ kind: 'datetime', fsp: 6, utc: true })).toBe('timestamp(6) with time zone');
    expect(pgt({ kind: 'time', fsp: 6 })).toBe('interval(6)');
    expect(pgt({ kind: 'year' })).toBe('smallint');
    expect(pgt({ kind: 'string', maxLength: 10, fixedLength: true })).toBe('character varying(10)');
    expect(pgt({ kind: 'string', maxLength: 255 })).toBe('character varying(255)');
    expect(pgt({ kind: 'string', maxLength: 65535 })).toBe('text');
    expect(pgt({ kind: 'string' })).toBe('text');
    expect(pgt({ kind: 'enum', values: ['a'] })).toBe('text');
    expect(pgt({ kind: 'set', values: ['a'] })).toBe('text');
    expect(pgt({ kind: 'json' })).toBe('jsonb');
    expect(pgt({ kind: 'binary', maxLength: 16, fixedLength: true })).toBe('bytea');
    expect(pgt({ kind: 'bit', bits: 12 })).toBe('bigint');
    expect(pgt({ kind: 'bit', bits: 64 })).toBe('numeric(20,0)');
    expect(pgTypeFor(col('b', { kind: 'boolean' }), { booleanAs: 'boolean' }).warnings[0]).toMatch(/boolean_as=smallint/);
    expect(pgTypeFor(col('t', { kind: 'time', fsp: 0 }), { booleanAs: 'boolean' }).warnings[0]).toMatch(/interval/);
    expect(() => pgt({ kind: 'decimal', precision: 2000, scale: 0 })).toThrow(PermanentError);
  });
  it('accepts exact spellings and lossless widenings in an existing table only', () => {
    expect(typeCompatible('smallint', 'smallint')).toBe(true);
    expect(typeCompatible('smallint', 'bigint')).toBe(true);
    expect(typeCompatible('bigint', 'integer')).toBe(false);
    expect(typeCompatible('numeric(20,0)', 'numeric')).toBe(true);
    expect(typeCompatible('numeric(20,6)', 'numeric(25,6)')).toBe(true);
    expect(typeCompatible('numeric(20,6)', 'numeric(20,2)')).toBe(false);
    expect(typeCompatible('character varying(10)', 'text')).toBe(true);
    expect(typeCompatible('character varying(10)', 'character varying(5)')).toBe(false);
    expect(typeCompatible('jsonb', 'json')).toBe(true);
    expect(typeCompatible('timestamp(3) with time zone', 'timestamp with time zone')).toBe(true);
    expect(typeCompatible('timestamp(3) with time zone', 'timestamp(3) without time zone')).toBe(false);
    expect(typeCompatible('interval(6)', 'interval')).toBe(true);
    expect(typeCompatible('bytea', 'text')).toBe(false);
  });
  it('builds DDL with a primary key and code-point order for string keys', () => {
    const sql = createTableSql('s"x', 't', [
      { name: 'k', sql: 'character varying(10)', nullable: false },
      { name: 'n', sql: 'bigint', nullable: false },
      { name: 'v', sql: 'jsonb', nullable: true },
    ], ['k', 'n']);
    expect(sql).toBe('CREATE TABLE IF NOT EXISTS "s""x"."t" (\n  "k" character varying(10) COLLATE "C" NOT NULL,\n  "n" bigint NOT NULL,\n  "v" jsonb,\n  PRIMARY KEY ("k", "n")\n)');
    // Key deferred to after the load: key columns still NOT NULL and collated, no PRIMARY KEY, a plain CREATE.
    expect(createTableSql('s', 't', [{ name: 'k', sql: 'text', nullable: false }, { name: 'v', sql: 'jsonb', nullable: true }], ['k'], { primaryKey: false }))
      .toBe('CREATE TABLE "s"."t" (\n  "k" text COLLATE "C" NOT NULL,\n  "v" jsonb\n)');
    expect(diffTable([{ name: 'a', sql: 'bigint', nullable: true }, { name: 'b', sql: 'text', nullable: false }], [
      { name: 'a', formatted: 'integer', notNull: false, hasDefault: false },
      { name: 'x', formatted: 'text', notNull: true, hasDefault: false },
      { name: 'y', formatted: 'text', notNull: true, hasDefault: true },
    ])).toEqual(['column a is integer, expected bigint', 'column b (text) is missing', 'extra column x is NOT NULL without a default']);
  });
  it('wants key columns NOT NULL even when the source reports them nullable (a query), so its own table matches', () => {
    const schema: TableSchema = { name: 'query', columns: [col('id', { kind: 'int', bits: 32, unsigned: false }), col('v', { kind: 'string' })], key: ['id'], keySource: 'user' };
    const { columns } = wantedColumns(schema, { booleanAs: 'boolean' });
    expect(columns).toEqual([{ name: 'id', sql: 'integer', nullable: false }, { name: 'v', sql: 'text', nullable: true }]);
    expect(diffTable(columns, [
      { name: 'id', formatted: 'integer', notNull: true, hasDefault: false },
      { name: 'v', formatted: 'text', notNull: false, hasDefault: false },
    ])).toEqual([]);
    expect(diffTable(columns, [
      { name: 'id', formatted: 'integer', notNull: true, hasDefault: false },
      { name: 'v', formatted: 'text', notNull: true, hasDefault: false },
    ])).toEqual(['column v is NOT NULL but the source allows NULL']);
  });
});

describe('type map PostgreSQL → portable', () => {
  const p = (typname: string, typmod = -1, category = 'N') => portableTypeFor({ name: 'c', typname, formatted: typname, typmod, category });
  it('maps native types; the rest is text', () => {
    expect(p('int2')).toEqual({ kind: 'int', bits: 16, unsigned: false });
    expect(p('int8')).toEqual({ kind: 'int', bits: 64, unsigned: false });
    expect(p('numeric', ((20 << 16) | 6) + 4)).toEqual({ kind: 'decimal', precision: 20, scale: 6 });
    expect(p('numeric')).toEqual({ kind: 'string' });
    expect(p('float4')).toEqual({ kind: 'float', bits: 32 });
    expect(p('bool')).toEqual({ kind: 'boolean' });
    expect(p('timestamp', 3)).toEqual({ kind: 'datetime', fsp: 3, utc: false });
    expect(p('timestamptz')).toEqual({ kind: 'datetime', fsp: 6, utc: true });
    expect(p('time', 0)).toEqual({ kind: 'time', fsp: 0 });
    expect(p('varchar', 259)).toEqual({ kind: 'string', maxLength: 255 });
    expect(p('bpchar', 14)).toEqual({ kind: 'string', maxLength: 10, fixedLength: true });
    expect(p('jsonb')).toEqual({ kind: 'json' });
    expect(p('bytea')).toEqual({ kind: 'binary' });
    expect(p('uuid')).toEqual({ kind: 'string', maxLength: 36 });
    expect(p('bit', 12)).toEqual({ kind: 'bit', bits: 12 });
    expect(p('interval')).toEqual({ kind: 'string' });
    expect(p('inet')).toEqual({ kind: 'string' });
    expect(p('_int4', -1, 'A')).toEqual({ kind: 'string' });
  });
  it('converts server text to canonical values', () => {
    expect(makeConverter(col('c', { kind: 'int', bits: 64, unsigned: true }), 'numeric(20,0)')('18446744073709551615')).toBe('18446744073709551615');
    expect(makeConverter(col('c', { kind: 'int', bits: 32, unsigned: false }), 'integer')('-7')).toBe(-7);
    expect(makeConverter(col('c', { kind: 'boolean' }), 'boolean')('t')).toBe(1);
    expect(makeConverter(col('c', { kind: 'boolean' }), 'smallint')('127')).toBe(127);
    expect(makeConverter(col('c', { kind: 'datetime', fsp: 6, utc: true }), 'x')('2038-01-19 03:14:07.5+00')).toBe('2038-01-19 03:14:07.500000');
    expect(makeConverter(col('c', { kind: 'datetime', fsp: 0, utc: false }), 'x')('9999-12-31 23:59:59')).toBe('9999-12-31 23:59:59');
    expect(makeConverter(col('c', { kind: 'bit', bits: 12 }), 'bit(12)')('111111111111')).toBe('4095');
    expect(makeConverter(col('c', { kind: 'bit', bits: 12 }), 'bigint')('4095')).toBe('4095');
    expect(makeConverter(col('c', { kind: 'float', bits: 64 }), 'x')('NaN')).toBeNaN();
    expect(makeConverter(col('c', { kind: 'string' }), 'text')(null)).toBeNull();
    expect(normalizeFraction('05:03:02.0001', 6)).toBe('05:03:02.000100');
    expect(parseArray('{a,"b c","d\\"e"}')).toEqual(['a', 'b c', 'd"e']);
  });
});

describe('COPY text encoding', () => {
  const schema: TableSchema = {
    name: 't',
    columns: [
      col('id', { kind: 'int', bits: 64, unsigned: true }, false),
      col('s', { kind: 'string' }),
      col('b', { kind: 'binary' }),
      col('f', { kind: 'float', bits: 64 }),
      col('bo', { kind: 'boolean' }, true, 'tinyint(1)'),
    ],
    key: ['id'],
    keySource: 'primary',
  };
  const enc = makeEncoders(schema.columns, new Set(['bo']));
  const copy = (rows: TableSchema['columns'][number][] | unknown[][]) => encodeRows(schema, enc, rows as never).toString('utf8');
  it('escapes only backslash, tab, newline and carriage return', () => {
    expect(escapeCopyText('plain 😀 中文 \'"')).toBe('plain 😀 中文 \'"');
    expect(escapeCopyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(escapeCopyText('\\N')).toBe('\\\\N');
    expect(escapeCopyText('\\.')).toBe('\\\\.');
    expect(escapeCopyText('')).toBe('');
  });
  it('encodes rows: NULL vs empty string, bytea hex, floats, booleans', () => {
    expect(copy([
      ['1', 'x\ty', Buffer.from([0, 0xff, 0x5c]), 1.5, 1],
      ['2', '', Buffer.alloc(0), null, 0],
      ['3', null, null, -Infinity, null],
      ['4', '😀\r\n\\', new Uint8Array([1, 2]), NaN, 1],
    ])).toBe(
      '1\tx\\ty\t\\\\x00ff5c\t1.5\tt\n' +
      '2\t\t\\\\x\t\\N\tf\n' +
      '3\t\\N\t\\N\t-Infinity\t\\N\n' +
      '4\t😀\\r\\n\\\\\t\\\\x0102\tNaN\tt\n',
    );
  });
  it('rejects a TINYINT(1) value other than 0/1 for a boolean column, naming column and key', () => {
    expect(() => copy([['7', 'a', null, 1, 127]])).toThrow(/column bo \(tinyint\(1\)\) of the row with id="7" holds 127.*boolean_as=smallint/);
    // Written as its number into a smallint column.
    expect(encodeRows(schema, makeEncoders(schema.columns, new Set()), [['7', 'a', null, 1, -128]]).toString()).toBe('7\ta\t\\N\t1\t-128\n');
  });
  it('rejects rows of the wrong width', () => {
    expect(() => copy([['1']])).toThrow(PermanentError);
  });
});

describe('SQL building', () => {
  it('quotes identifiers', () => {
    expect(quoteIdent('plain')).toBe('"plain"');
    expect(quoteIdent('we"ird; DROP TABLE x; --')).toBe('"we""ird; DROP TABLE x; --"');
    expect(() => quoteIdent('')).toThrow(PermanentError);
  });
  it('builds row-value range predicates with $n parameters only', () => {
    const a = col('a', { kind: 'int', bits: 64, unsigned: true });
    const b = col('b', { kind: 'string' });
    const params: unknown[] = [];
    expect(rangeWhere([a, b], ['18446744073709551615', "x' OR 1=1"], ['2', 'z'], params)).toBe(' WHERE ("a", "b") > ($1, $2) AND ("a", "b") <= ($3, $4)');
    expect(params).toEqual(['18446744073709551615', "x' OR 1=1", '2', 'z']);
    const p2: unknown[] = [];
    expect(rangeWhere([b], null, ['z'], p2, { binaryCollation: true })).toBe(' WHERE ("b" COLLATE "C") <= ($1)');
    expect(rangeWhere([a], null, null, [])).toBe('');
    expect(() => rangeWhere([a], ['1 OR 1=1'], null, [])).toThrow(PermanentError);
    const p3: unknown[] = [];
    rangeWhere([col('h', { kind: 'binary' })], ['ab01'], null, p3);
    expect(p3).toEqual([Buffer.from([0xab, 0x01])]);
  });
  it('masks strings, dollar quotes, identifiers and nested comments', () => {
    expect(maskSql("SELECT 'a;b', $$x;y$$, $t$ ; $t$, \"c;d\" /* ; /* ; */ ; */ -- ;\n1")).not.toContain(';');
    expect(maskSql("SELECT E'a\\';b'")).not.toContain(';');
  });
  it.each([
    ['SELECT 1; DROP TABLE x', /single statement/],
    ['DELETE FROM x', /must be a SELECT/],
    ['SELECT * INTO t2 FROM t', /INTO/],
    ['SELECT * FROM t FOR UPDATE', /FOR UPDATE/],
    ['SELECT * FROM t FOR NO KEY UPDATE', /FOR UPDATE/],
    ['SELECT * FROM t FOR KEY SHARE', /FOR SHARE/],
    ["SELECT 'x", /unterminated/],
  ])('rejects %s', (q, re) => {
    expect(() => validateQuery(q)).toThrow(re);
  });
  it('accepts SELECT/WITH with a trailing semicolon and keywords inside strings', () => {
    expect(validateQuery("SELECT 'INTO; FOR UPDATE' AS x;  ")).toBe("SELECT 'INTO; FOR UPDATE' AS x");
    expect(validateQuery('WITH a AS (SELECT 1) SELECT * FROM a -- done')).toBe('WITH a AS (SELECT 1) SELECT * FROM a');
  });
});

describe('config and errors', () => {
  it('parses URLs and names the env var without echoing secrets', () => {
    const c = readConfig({ POSTGRES_URL: 'postgres://u%40x:p%2Fw@db.example:6543/my_db?sslmode=require&connection-limit=8' });
    expect(c).toMatchObject({ host: 'db.example', port: 6543, user: 'u@x', password: 'p/w', database: 'my_db', max: 8, ssl: { rejectUnauthorized: false } });
    expect(readConfig({ POSTGRES_URL_EU: 'postgresql://u@h/d' }, 'eu')).toMatchObject({ port: 5432, ssl: false });
    expect(() => readConfig({}, 'eu')).toThrow(/POSTGRES_URL_EU is not set/);
    const bad = (url: string) => {
      try {
        readConfig({ POSTGRES_URL: url });
      } catch (e) {
        expect(e).toBeInstanceOf(PermanentError);
        expect((e as Error).message).not.toContain('Sup3rS3cret');
        return (e as Error).message;
      }
      throw new Error('expected a config error');
    };
    expect(bad('::Sup3rS3cret')).toMatch(/POSTGRES_URL is not a valid URL/);
    expect(bad('mysql://u:Sup3rS3cret@h/d')).toMatch(/postgres:\/\/ scheme/);
    expect(bad('postgres://u:Sup3rS3cret@h/')).toMatch(/must name a host, a user and a database/);
    expect(bad('postgres://u:Sup3rS3cret@h/d?sslmode=bogus')).toMatch(/sslmode must be one of/);
    expect(bad('postgres://u:Sup3rS3cret@h/d?foo=1')).toMatch(/unknown URL parameter "foo"/);
  });
  it('sets UTC and read-only sessions at startup', () => {
    expect(startupOptions(true)).toContain('-c TimeZone=UTC');
    expect(startupOptions(true)).toContain('default_transaction_read_only=on');
    expect(startupOptions(false)).not.toContain('read_only');
  });
  it('classifies SQLSTATEs and strips passwords', () => {
    expect(isPermanentCode('28P01')).toBe(true);
    expect(isPermanentCode('42P01')).toBe(true);
    expect(isPermanentCode('22P02')).toBe(true);
    expect(isPermanentCode('23505')).toBe(false);
    expect(isPermanentCode('40001')).toBe(false);
    expect(isPermanentCode('57P01')).toBe(false);
    const e = sanitizeError(Object.assign(new Error('bad pw hunter2 here'), { code: '28P01' }), 'hunter2', 'ctx');
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toBe('ctx: authentication failed (check the connection URL set on the worker) (28P01)');
    expect(sanitizeError(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'x')).not.toBeInstanceOf(PermanentError);
  });
  it('validates destination options', () => {
    expect(destinationOptions({ table: 't' })).toEqual({ writeMode: 'append', booleanAs: 'boolean', overwriteExisting: false });
    expect(destinationOptions({ table: 't', options: { write_mode: 'upsert', boolean_as: 'smallint', overwrite_existing: 'true' } })).toEqual({
      writeMode: 'upsert',
      booleanAs: 'smallint',
      overwriteExisting: true,
    });
    expect(() => destinationOptions({ table: 't', options: { write_mode: 'merge' } })).toThrow(/write_mode must be one of append, upsert/);
  });
});
