import { describe, expect, it } from 'vitest';
import { PermanentError, type Column, type ColumnType } from '../types';
import { readConfig } from './config';
import { describeServer, detectFlavor, type Queryable } from './flavor';
import { sanitizeError } from './pool';
import { chooseKey, jsonColumnsFromChecks, unenforcedKeys, type IndexStat } from './schema';
import { keyParam, keysetPredicate, quoteIdent, rangeWhere, selectExpr, sourceRef, utcToEpoch, validateQuery } from './sql';
import { fieldNullable, mapFieldType, mapNativeType, parseEnumValues } from './type-map';
import { bitToDecimal, epochToUtc, makeConverter, normalizeFraction, toKeyValue } from './values';

const native = (dataType: string, columnType: string, extra: object = {}): ColumnType =>
  mapNativeType({ name: 'c', dataType, columnType, ...extra });
const col = (name: string, type: ColumnType, nullable = false, sourceType: string = type.kind): Column => ({ name, type, nullable, sourceType });
const conv = (type: ColumnType, flavor: 'mariadb' | 'singlestore' = 'mariadb', nullable = true, warn: (m: string) => void = () => {}) =>
  makeConverter(col('c', type, nullable), { flavor, warn });

describe('type map (information_schema)', () => {
  it('maps integers, signedness and TINYINT(1)', () => {
    expect(native('tinyint', 'tinyint(1)')).toEqual({ kind: 'boolean' });
    expect(native('tinyint', 'tinyint(4)')).toEqual({ kind: 'int', bits: 8, unsigned: false });
    expect(native('tinyint', 'tinyint(3) unsigned')).toEqual({ kind: 'int', bits: 8, unsigned: true });
    expect(native('smallint', 'smallint(5) unsigned')).toEqual({ kind: 'int', bits: 16, unsigned: true });
    expect(native('mediumint', 'mediumint(9)')).toEqual({ kind: 'int', bits: 24, unsigned: false });
    expect(native('int', 'int(11)')).toEqual({ kind: 'int', bits: 32, unsigned: false });
    expect(native('bigint', 'bigint(20) unsigned zerofill')).toEqual({ kind: 'int', bits: 64, unsigned: true });
    // S2 / MySQL 8 spellings: upper-case DATA_TYPE, no display width.
    expect(native('BIGINT', 'bigint')).toEqual({ kind: 'int', bits: 64, unsigned: false });
  });
  it('maps decimals, floats, temporal types with fsp', () => {
    expect(native('decimal', 'decimal(65,30)', { precision: 65, scale: 30 })).toEqual({ kind: 'decimal', precision: 65, scale: 30 });
    expect(native('decimal', 'decimal(20,6)')).toEqual({ kind: 'decimal', precision: 20, scale: 6 });
    expect(native('float', 'float')).toEqual({ kind: 'float', bits: 32 });
    expect(native('double', 'double')).toEqual({ kind: 'float', bits: 64 });
    expect(native('datetime', 'datetime(6)', { fsp: 6 })).toEqual({ kind: 'datetime', fsp: 6, utc: false });
    expect(native('datetime', 'datetime')).toEqual({ kind: 'datetime', fsp: 0, utc: false });
    expect(native('timestamp', 'timestamp(6)')).toEqual({ kind: 'datetime', fsp: 6, utc: true });
    expect(native('time', 'time(3)', { fsp: 3 })).toEqual({ kind: 'time', fsp: 3 });
    expect(native('date', 'date')).toEqual({ kind: 'date' });
    expect(native('year', 'year(4)')).toEqual({ kind: 'year' });
    expect(native('bit', 'bit(12)', { precision: 12 })).toEqual({ kind: 'bit', bits: 12 });
    expect(native('bit', 'bit(64)')).toEqual({ kind: 'bit', bits: 64 });
  });
  it('maps strings, binaries, JSON (native S2 and MariaDB LONGTEXT+CHECK)', () => {
    expect(native('char', 'char(10)', { charMaxLength: 10 })).toEqual({ kind: 'string', maxLength: 10, fixedLength: true });
    expect(native('varchar', 'varchar(255)', { charMaxLength: 255 })).toEqual({ kind: 'string', maxLength: 255 });
    expect(native('longtext', 'longtext', { charMaxLength: 4294967295 })).toEqual({ kind: 'string', maxLength: 4294967295 });
    expect(native('longtext', 'longtext', { isJson: true })).toEqual({ kind: 'json' });
    expect(native('JSON', 'JSON')).toEqual({ kind: 'json' });
    expect(native('binary', 'binary(16)', { charMaxLength: 16 })).toEqual({ kind: 'binary', maxLength: 16, fixedLength: true });
    expect(native('varbinary', 'varbinary(50)')).toEqual({ kind: 'binary', maxLength: 50 });
    expect(native('blob', 'blob', { charMaxLength: 65535 })).toEqual({ kind: 'binary', maxLength: 65535 });
    expect(native('bson', 'BSON')).toEqual({ kind: 'binary', maxLength: undefined });
  });
  it('reads S2 GEOGRAPHY/VECTOR and spatial types as text; rejects unknown types', () => {
    expect(native('geographypoint', 'geographypoint')).toEqual({ kind: 'string' });
    expect(native('geography', 'geography')).toEqual({ kind: 'string' });
    expect(native('vector', 'vector(3, F32)')).toEqual({ kind: 'string' });
    expect(native('geometry', 'geometry')).toEqual({ kind: 'string' });
    expect(() => native('uuid', 'uuid')).toThrow(PermanentError);
    expect(() => native('uuid', 'uuid')).toThrow(/column `c` has type uuid/);
  });
  it('parses enum/set values with doubled and escaped quotes', () => {
    expect(parseEnumValues("enum('a','it''s','b,c','')")).toEqual(['a', "it's", 'b,c', '']);
    expect(parseEnumValues("set('x','y z')")).toEqual(['x', 'y z']);
    expect(parseEnumValues("enum('back\\\\slash','q\\'q')")).toEqual(['back\\slash', "q'q"]);
    expect(native('enum', "enum('small','it''s')")).toEqual({ kind: 'enum', values: ['small', "it's"] });
    expect(native('set', "set('a','b')")).toEqual({ kind: 'set', values: ['a', 'b'] });
  });
  it('detects MariaDB JSON columns from CHECK clauses', () => {
    expect([...jsonColumnsFromChecks(['json_valid(`js`)', 'json_valid(`we``ird`)', '`a` > 0'])]).toEqual(['js', 'we`ird']);
  });
});

describe('type map (field packets)', () => {
  const f = (columnType: number, extra: object = {}) => mapFieldType({ name: 'x', columnType, flags: 0, decimals: 0, columnLength: 0, ...extra }).type;
  it('maps protocol types', () => {
    expect(f(1, { columnLength: 1 })).toEqual({ kind: 'boolean' });
    expect(f(1, { columnLength: 4 })).toEqual({ kind: 'int', bits: 8, unsigned: false });
    expect(f(8, { flags: 32 })).toEqual({ kind: 'int', bits: 64, unsigned: true });
    expect(f(246, { columnLength: 12, decimals: 2 })).toEqual({ kind: 'decimal', precision: 10, scale: 2 });
    expect(f(7, { decimals: 6 })).toEqual({ kind: 'datetime', fsp: 6, utc: true });
    expect(f(12, { decimals: 31 })).toEqual({ kind: 'datetime', fsp: 6, utc: false });
    expect(f(16, { columnLength: 12 })).toEqual({ kind: 'bit', bits: 12 });
    expect(f(245)).toEqual({ kind: 'json' });
    expect(f(252, { extendedFormat: 'json', characterSet: 224 })).toEqual({ kind: 'json' });
    expect(f(254, { columnLength: 40, characterSet: 45 })).toEqual({ kind: 'string', maxLength: 10, fixedLength: true });
    expect(f(253, { columnLength: 16, characterSet: 63 })).toEqual({ kind: 'binary', maxLength: 16 });
    expect(f(252, { columnLength: 65535, characterSet: 63 })).toEqual({ kind: 'binary', maxLength: 65535 });
    expect(() => f(200)).toThrow(PermanentError);
    expect(fieldNullable({ name: 'x', flags: 1, decimals: 0 })).toBe(false);
  });
});

describe('flavor detection', () => {
  const fake = (memsql: string | null, version: string): Queryable => ({
    async query(sql: string) {
      if (sql.includes('@@memsql_version')) {
        if (memsql === null) throw Object.assign(new Error("Unknown system variable 'memsql_version'"), { errno: 1193 });
        return [[{ v: memsql }], []];
      }
      return [[{ v: version }], []];
    },
  });
  it('tells SingleStore, MariaDB and MySQL apart', async () => {
    expect(await detectFlavor(fake('8.1.0', '5.7.32'))).toEqual({ flavor: 'singlestore', version: '8.1.0' });
    expect(await detectFlavor(fake(null, '10.11.19-MariaDB-0+deb12u1'))).toEqual({ flavor: 'mariadb', version: '10.11.19' });
    expect(await detectFlavor(fake(null, '8.0.36'))).toEqual({ flavor: 'mysql', version: '8.0.36' });
    expect(describeServer({ flavor: 'singlestore', version: '8.1.0' })).toBe('SingleStore 8.1.0');
    expect(describeServer({ flavor: 'mariadb', version: '10.11.19' })).toBe('MariaDB 10.11.19');
  });
  it('propagates other errors', async () => {
    const db: Queryable = { query: async () => { throw Object.assign(new Error('gone'), { errno: 2013 }); } };
    await expect(detectFlavor(db)).rejects.toThrow('gone');
  });
});

describe('values', () => {
  it('takes the last ceil(n/8) bytes of S2 8-byte BIT buffers', () => {
    expect(bitToDecimal(Buffer.from([0, 0, 0, 0, 0, 0, 0x0f, 0xff]), 12)).toBe('4095');
    expect(bitToDecimal(Buffer.from([0x0f, 0xff]), 12)).toBe('4095');
    expect(bitToDecimal(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 64)).toBe('18446744073709551615');
    expect(bitToDecimal(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), 1)).toBe('1');
    expect(conv({ kind: 'bit', bits: 12 })(Buffer.from([0, 0, 0, 0, 0, 0, 0, 5]))).toBe('5');
  });
  it("normalises S2's 6-digit fractions to the column fsp", () => {
    expect(normalizeFraction('2024-01-02 03:04:05.000000', 0)).toBe('2024-01-02 03:04:05');
    expect(normalizeFraction('2024-01-02 03:04:05.120000', 2)).toBe('2024-01-02 03:04:05.12');
    expect(normalizeFraction('2024-01-02 03:04:05', 3)).toBe('2024-01-02 03:04:05.000');
    expect(conv({ kind: 'datetime', fsp: 0, utc: false }, 'singlestore')('2024-01-02 03:04:05.000000')).toBe('2024-01-02 03:04:05');
    expect(conv({ kind: 'time', fsp: 0 })('-838:59:59.000000')).toBe('-838:59:59');
  });
  it('converts S2 TIMESTAMP read as UNIX_TIMESTAMP() to UTC text', () => {
    expect(epochToUtc('1577836800.500000', 6)).toBe('2020-01-01 00:00:00.500000');
    expect(epochToUtc('1577836800', 0)).toBe('2020-01-01 00:00:00');
    expect(epochToUtc('2147483647.999999', 3)).toBe('2038-01-19 03:14:07.999');
    expect(conv({ kind: 'datetime', fsp: 6, utc: true }, 'singlestore')('1.000000')).toBe('1970-01-01 00:00:01.000000');
    expect(utcToEpoch('2020-01-01 00:00:00.5')).toBe('1577836800.5');
  });
  it('keeps JSON text as delivered and stringifies parsed objects', () => {
    const c = conv({ kind: 'json' });
    expect(c('{"a": 1, "big": 123456789012345678901234567890}')).toBe('{"a": 1, "big": 123456789012345678901234567890}');
    expect(c({ a: [1, { b: 'x' }], c: null })).toBe('{"a":[1,{"b":"x"}],"c":null}');
    expect(c([1, 2])).toBe('[1,2]');
  });
  it('canonicalises numbers, binaries and strings', () => {
    expect(conv({ kind: 'int', bits: 64, unsigned: true })('00000000000000000042')).toBe('42');
    expect(conv({ kind: 'int', bits: 64, unsigned: false })(-5)).toBe('-5');
    expect(conv({ kind: 'int', bits: 32, unsigned: false })('7')).toBe(7);
    expect(conv({ kind: 'float', bits: 32 })(1.100000023841858)).toBe(1.100000023841858);
    expect(conv({ kind: 'decimal', precision: 10, scale: 2 })('1.50')).toBe('1.50');
    expect(conv({ kind: 'binary' })(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 2]));
    expect(conv({ kind: 'string' })(null)).toBeNull();
    expect(toKeyValue(col('b', { kind: 'binary' }), Buffer.from([0xab, 0x01]))).toBe('ab01');
  });
  it('zero dates: NULL with one warning when nullable, PermanentError when NOT NULL', () => {
    const warnings: string[] = [];
    const c = conv({ kind: 'datetime', fsp: 0, utc: false }, 'mariadb', true, (m) => warnings.push(m));
    expect(c('0000-00-00 00:00:00')).toBeNull();
    expect(conv({ kind: 'date' }, 'mariadb', true, (m) => warnings.push(m))('2020-00-10')).toBeNull();
    expect(c('0000-00-00 00:00:00')).toBeNull();
    expect(warnings).toHaveLength(2);
    expect(() => conv({ kind: 'date' }, 'mariadb', false)('0000-00-00')).toThrow(PermanentError);
    expect(conv({ kind: 'datetime', fsp: 0, utc: true }, 'singlestore', true)('0')).toBeNull();
  });
});

describe('SQL building', () => {
  it('quotes identifiers with backticks, quotes and semicolons', () => {
    expect(quoteIdent('plain')).toBe('`plain`');
    expect(quoteIdent('we`ird')).toBe('`we``ird`');
    expect(quoteIdent("a'b\"c; DROP TABLE x; --")).toBe("`a'b\"c; DROP TABLE x; --`");
    expect(quoteIdent('``')).toBe('``````');
    expect(() => quoteIdent('')).toThrow(PermanentError);
    expect(sourceRef({ table: 'x`; DROP' })).toBe('`x``; DROP`');
  });
  const a = col('a', { kind: 'int', bits: 64, unsigned: true });
  const b = col('b', { kind: 'string' });
  const c = col('c', { kind: 'datetime', fsp: 6, utc: false });
  it('expands composite keyset predicates', () => {
    const p = keysetPredicate([a, b, c], ['18446744073709551615', 'x', '2020-01-01 00:00:00.000000'], 'after', 'mariadb');
    expect(p.sql).toBe('(`a` > ? OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?))');
    expect(p.params.map((v) => (typeof v === 'object' && v && 'toSqlString' in v ? (v as { toSqlString(): string }).toSqlString() : v))).toEqual([
      '18446744073709551615', '18446744073709551615', 'x', '18446744073709551615', 'x', '2020-01-01 00:00:00.000000',
    ]);
    const u = keysetPredicate([a, b], [1, 'y'], 'upTo', 'mariadb');
    expect(u.sql).toBe('(`a` < ? OR (`a` = ? AND `b` <= ?))');
    expect(keysetPredicate([a], [5], 'upTo', 'mariadb').sql).toBe('`a` <= ?');
    const r = rangeWhere([a, b], [1, 'x'], [9, 'z'], 'mariadb');
    expect(r.sql).toBe(' WHERE (`a` > ? OR (`a` = ? AND `b` > ?)) AND (`a` < ? OR (`a` = ? AND `b` <= ?))');
    expect(r.params).toHaveLength(6);
    expect(rangeWhere([a], null, null, 'mariadb').sql).toBe('');
  });
  it('binds exact key parameters', () => {
    expect(() => keyParam(a, '1 OR 1=1', 'mariadb')).toThrow(PermanentError);
    expect(keyParam(col('h', { kind: 'binary' }), 'ab01', 'mariadb')).toEqual(Buffer.from([0xab, 0x01]));
    const ts = keyParam(col('t', { kind: 'datetime', fsp: 6, utc: true }), '2020-01-01 00:00:00.500000', 'singlestore') as { toSqlString(): string };
    expect(ts.toSqlString()).toBe('FROM_UNIXTIME(1577836800.500000)');
  });
  it('selects FLOAT as DOUBLE, S2 TIMESTAMP via UNIX_TIMESTAMP, spatial as WKT', () => {
    const f = col('f', { kind: 'float', bits: 32 });
    expect(selectExpr(f, 'singlestore')).toBe('(`f` :> DOUBLE)');
    expect(selectExpr(f, 'mariadb')).toBe('CAST(CAST(`f` AS DOUBLE) AS CHAR)');
    expect(selectExpr(col('d', { kind: 'float', bits: 64 }), 'mariadb')).toBe('CAST(`d` AS CHAR)');
    expect(selectExpr(col('d', { kind: 'float', bits: 64 }), 'singlestore')).toBe('`d`');
    const t = col('t', { kind: 'datetime', fsp: 6, utc: true });
    expect(selectExpr(t, 'singlestore')).toBe('UNIX_TIMESTAMP(`t`)');
    expect(selectExpr(t, 'mariadb')).toBe('`t`');
    expect(selectExpr(col('g', { kind: 'string' }, true, 'geometry'), 'mariadb')).toBe('ST_AsText(`g`)');
    expect(selectExpr(col('g', { kind: 'string' }, true, 'geographypoint'), 'singlestore')).toBe('`g`');
  });
});

describe('query validation', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['  select a from t;  ', 'select a from t'],
    ["SELECT ';' AS s, `x;y` FROM t -- trailing; comment\n", "SELECT ';' AS s, `x;y` FROM t"],
    ['SELECT a -- mid; comment\n FROM t; # tail', 'SELECT a -- mid; comment\n FROM t'],
    ['WITH c AS (SELECT 1 AS x) SELECT x FROM c', 'WITH c AS (SELECT 1 AS x) SELECT x FROM c'],
    ['/* lead */ SELECT "into" FROM t', '/* lead */ SELECT "into" FROM t'],
    ['(SELECT 1) UNION (SELECT 2)', '(SELECT 1) UNION (SELECT 2)'],
    ["SELECT 'it''s', 'a\\'b' FROM t;", "SELECT 'it''s', 'a\\'b' FROM t"],
  ])('accepts %j', (q, out) => {
    expect(validateQuery(q)).toBe(out);
  });
  it.each([
    'SELECT 1; SELECT 2',
    'SELECT 1;;',
    'DELETE FROM t',
    'UPDATE t SET a = 1',
    'SHOW TABLES',
    'SELECT * FROM t INTO OUTFILE "/tmp/x"',
    'SELECT * INTO DUMPFILE "/tmp/x" FROM t',
    'SELECT * FROM t FOR UPDATE',
    'SELECT * FROM t LOCK IN SHARE MODE',
    'SELECT /*!50000 1; DROP TABLE t */',
    "SELECT 'unterminated",
    '',
  ])('rejects %j', (q) => {
    expect(() => validateQuery(q)).toThrow(PermanentError);
    expect(() => validateQuery(q)).toThrow(/source_config\.query/);
  });
  it('wraps the query so a trailing line comment cannot eat the parenthesis', () => {
    expect(sourceRef({ query: 'SELECT 1 -- c\n, 2 -- d' })).toBe('(\nSELECT 1 -- c\n, 2\n) AS _es_q');
  });
});

describe('key choice', () => {
  const cols = [
    col('id', { kind: 'int', bits: 64, unsigned: false }),
    col('u1', { kind: 'string' }),
    col('u2', { kind: 'int', bits: 32, unsigned: false }, true),
    col('f', { kind: 'float', bits: 64 }),
  ];
  const st = (indexName: string, column: string, seq = 1, nonUnique = false, indexType = 'BTREE'): IndexStat => ({ indexName, column, seq, nonUnique, indexType });
  it('prefers PRIMARY, then the narrowest NOT NULL unique key', () => {
    expect(chooseKey(cols, [st('u', 'u1'), st('PRIMARY', 'id')], new Set())).toEqual({ key: ['id'], keySource: 'primary' });
    expect(chooseKey(cols, [st('wide', 'u1'), st('wide', 'id', 2), st('narrow', 'id')], new Set())).toEqual({ key: ['id'], keySource: 'unique' });
    expect(chooseKey(cols, [st('nul', 'u2'), st('k', 'u1', 1, true)], new Set())).toBeNull();
    expect(chooseKey(cols, [st('fl', 'f')], new Set())).toBeNull();
  });
  it('ignores S2 shard keys, METADATA_ONLY and UNENFORCED keys', () => {
    expect(chooseKey(cols, [st('__SHARDKEY', 'id', 1, false, 'METADATA_ONLY')], new Set())).toBeNull();
    expect(chooseKey(cols, [st('other', 'id', 1, false, 'METADATA_ONLY')], new Set())).toBeNull();
    expect(chooseKey(cols, [st('uk', 'u1'), st('PRIMARY', 'id')], new Set(['PRIMARY']))).toEqual({ key: ['u1'], keySource: 'unique' });
    const ddl = 'CREATE TABLE `t` (\n  `id` bigint(20) NOT NULL,\n  `u1` varchar(10) NOT NULL,\n  UNIQUE KEY `uk` (`u1`) UNENFORCED RELY,\n  UNIQUE KEY `ok` (`id`),\n  SORT KEY `__UNORDERED` (),\n  SHARD KEY `__SHARDKEY` (`id`)\n) AUTOSTATS_CARDINALITY_MODE=INCREMENTAL';
    expect([...unenforcedKeys(ddl)]).toEqual(['uk']);
    expect([...unenforcedKeys('CREATE TABLE `t` (`a` int, PRIMARY KEY (`a`) UNENFORCED, SHARD KEY ())')]).toEqual(['PRIMARY']);
  });
});

describe('config', () => {
  const env = (url?: string) => ({ SINGLESTORE_URL: url, SINGLESTORE_URL_EU: 'mysql://u:p@eu:3307/db2?ssl=true&connection-limit=8' });
  it('parses URLs and named connections', () => {
    expect(readConfig(env('mysql://us%40er:p%3Ass@h:3310/db'))).toMatchObject({ host: 'h', port: 3310, user: 'us@er', password: 'p:ss', database: 'db', connectionLimit: 4 });
    expect(readConfig(env('mysql://u@h/db')).ssl).toBeUndefined();
    expect(readConfig(env(), 'eu')).toMatchObject({ host: 'eu', port: 3307, database: 'db2', ssl: {}, connectionLimit: 8 });
  });
  it.each([undefined, 'not a url s3cr3tpw', 'http://u:s3cr3tpw@h/db', 'mysql://u:s3cr3tpw@h', 'mysql://u:s3cr3tpw@h/db?ssl=maybe', 'mysql://u:s3cr3tpw@h/db?bogus=1'])(
    'rejects %j naming the variable without echoing it',
    (url) => {
      let err: Error | undefined;
      try { readConfig(env(url)); } catch (e) { err = e as Error; }
      expect(err).toBeInstanceOf(PermanentError);
      expect(err!.message).toContain('SINGLESTORE_URL');
      expect(err!.message).not.toContain('s3cr3tpw');
    },
  );
  it('redacts the password from driver errors', () => {
    const e = sanitizeError(Object.assign(new Error("Access denied for 'u' using hunter2"), { errno: 1045 }), 'hunter2');
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).not.toContain('hunter2');
  });
});
