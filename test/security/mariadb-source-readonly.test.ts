/**
 * A MariaDB (SingleStore stand-in) source is read-only in fact: statements run in
 * START TRANSACTION READ ONLY under max_statement_time, the session is reset before it is pooled
 * again, and server error text never leaves the connector.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SingleStoreSource } from '../../connectors/singlestore/index';
import { readConfig } from '../../connectors/singlestore/config';
import { maskSql, validateQuery } from '../../connectors/singlestore/sql';
import { PermanentError, type SourceSpec, type TableSchema } from '../../connectors/types';

const URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';
const T = 'es_ro_probe_t';
const LOG = 'es_ro_probe_log';
const FN = 'es_ro_probe_write';
let admin: Connection;
let src: SingleStoreSource;
const source = (extra: Record<string, string> = {}, url = URL) => new SingleStoreSource(readConfig({ SINGLESTORE_URL: url, ...extra }), { warn: () => undefined });
const logRows = async () => Number(((await admin.query(`SELECT COUNT(*) AS n FROM ${LOG}`)) as unknown as [Array<{ n: number }>])[0][0].n);

async function settle<T>(p: Promise<T>): Promise<T | Error> {
  try {
    return await p;
  } catch (e) {
    return e as Error;
  }
}

async function readAll(s: SingleStoreSource, spec: SourceSpec, schema: TableSchema): Promise<number> {
  let n = 0;
  for await (const rows of s.readData(spec, schema, { after: null, upTo: null }, { batchRows: 4 })) n += rows.length;
  return n;
}

beforeAll(async () => {
  admin = await createConnection({ uri: URL, multipleStatements: true });
  await admin.query(`DROP TABLE IF EXISTS ${T}, ${LOG}; DROP FUNCTION IF EXISTS ${FN}`);
  await admin.query(`CREATE TABLE ${T} (id INT PRIMARY KEY, v VARCHAR(10))`);
  await admin.query(`INSERT INTO ${T} VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')`);
  await admin.query(`CREATE TABLE ${LOG} (n INT)`);
  await admin.query(`SET GLOBAL log_bin_trust_function_creators = 1`).catch(() => undefined);
  await admin.query(`CREATE FUNCTION ${FN}(x INT) RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO ${LOG} VALUES (x); RETURN x; END`);
  src = source();
});

afterAll(async () => {
  await src?.disconnect();
  await admin?.query(`DROP TABLE IF EXISTS ${T}, ${LOG}; DROP FUNCTION IF EXISTS ${FN}`);
  await admin?.end();
});

describe('MySQL query lexing', () => {
  it('-- needs whitespace or a control character after it; # runs to the line end', () => {
    expect(() => validateQuery(`SELECT 1--1 AS id; DELETE FROM ${T}`)).toThrow(/single statement/);
    expect(validateQuery(`SELECT 1 AS id --\t; DELETE\n`)).toBe('SELECT 1 AS id');
    expect(maskSql('SELECT 1 # ; x\n, 2')).toBe('SELECT 1 ' + ' '.repeat(5) + '\n, 2');
  });
  it('refuses executable comments and backslashes whose meaning depends on NO_BACKSLASH_ESCAPES', () => {
    expect(() => validateQuery(`SELECT 1 /*! ; DELETE FROM ${T} */`)).toThrow(/executable comments/);
    expect(() => validateQuery(`SELECT 'a\\'; DELETE FROM ${T}; -- '`)).toThrow(/NO_BACKSLASH_ESCAPES|single statement/);
    expect(validateQuery(`SELECT 'a\\n' AS id`)).toBe(`SELECT 'a\\n' AS id`);
  });
});

describe('MariaDB source sessions', () => {
  it('a query calling a writing function writes nothing (read-only transaction)', async () => {
    const spec = { query: `SELECT id, ${FN}(id) AS w FROM ${T}`, orderBy: ['id'] };
    const schema = await settle(src.getSchema(spec));
    if (!(schema instanceof Error)) {
      const counted = await settle(src.countRows(spec, schema));
      const read = await settle(readAll(src, spec, schema));
      expect(counted).toBeInstanceOf(PermanentError);
      expect(read).toBeInstanceOf(PermanentError);
      expect((read as Error).message).toMatch(/read-only/);
    }
    expect(await logRows()).toBe(0);
  });

  it('the packed-text path reads inside the read-only transaction too', async () => {
    const spec = { query: `SELECT id, ${FN}(id) AS w FROM ${T}`, orderBy: ['id'] };
    const schema = await src.getSchema({ table: T });
    const wschema = { ...schema, name: 'query', columns: [...schema.columns.filter((c) => c.name === 'id'), { ...schema.columns[0], name: 'w' }] };
    const err = await settle((async () => {
      for await (const b of src.readText!(spec, wschema, { after: null, upTo: null }, { batchRows: 4 })) void b;
    })());
    expect(err).toBeInstanceOf(Error);
    expect(await logRows()).toBe(0);
  });

  it('session state a query sets (user variables, named locks) is gone before the next one', async () => {
    const one = source({}, URL + '?connection-limit=1');
    try {
      const setter = { query: `SELECT id, (@es_probe := 42) AS x, GET_LOCK('es_ro_probe_lock', 0) AS l FROM ${T}`, orderBy: ['id'] };
      await one.countRows(setter, await one.getSchema(setter));
      const reader = { query: `SELECT 1 AS id, @es_probe AS x, IS_USED_LOCK('es_ro_probe_lock') AS l`, orderBy: ['id'] };
      const schema = await one.getSchema(reader);
      const rows: unknown[][] = [];
      for await (const b of one.readData(reader, schema, { after: null, upTo: null }, { batchRows: 10 })) rows.push(...b);
      expect(rows).toHaveLength(1);
      expect(rows[0][1]).toBeNull();
      expect(rows[0][2]).toBeNull();
    } finally {
      await one.disconnect();
    }
  });

  it('a SLEEP query is stopped by the statement limit with a clear error', async () => {
    const quick = source({ SOURCE_STATEMENT_TIMEOUT: '1', SOURCE_PROBE_TIMEOUT: '1' });
    try {
      const spec = { query: `SELECT id FROM ${T} WHERE SLEEP(10) = 0`, orderBy: ['id'] };
      const schema = await quick.getSchema(spec);
      const t0 = Date.now();
      const err = await settle(quick.countRows(spec, schema));
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toMatch(/statement timeout/);
    } finally {
      await quick.disconnect();
    }
  });

  it('an EXTRACTVALUE probe does not return the user name', async () => {
    const spec = { query: `SELECT id FROM ${T} WHERE EXTRACTVALUE(1, CONCAT(0x7e, USER())) = 1`, orderBy: ['id'] };
    const err = await settle(src.getSchema(spec).then((s) => src.countRows(spec, s)));
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toMatch(/root|127\.0\.0\.1|localhost|~/);
    expect((err as Error).message).toMatch(/database reported an error|syntax/);
  });
});
