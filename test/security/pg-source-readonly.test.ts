/**
 * A PostgreSQL source is read-only in fact: every statement runs alone (extended protocol) in a
 * read-only transaction under a statement timeout, on a session reset before it is pooled again.
 * Each probe here wrote to the source (or leaked) before.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, type SourceSpec } from '../../connectors/types';
import { readConfig } from '../../connectors/postgres/config';
import { PostgresSource } from '../../connectors/postgres/index';
import { openPool } from '../../connectors/postgres/pool';
import { maskSql, validateQuery } from '../../connectors/postgres/sql';

const PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const S = 'es_ro_probe';
let admin: pg.Pool;
let src: PostgresSource;

const source = (extra: Record<string, string> = {}) => new PostgresSource(readConfig({ POSTGRES_URL: PG_URL, ...extra }));
const tableExists = async (name: string) => (await admin.query(`SELECT to_regclass($1) AS r`, [`${S}.${name}`])).rows[0].r !== null;
const count = async (table: string) => Number((await admin.query(`SELECT count(*) AS n FROM ${S}.${table}`)).rows[0].n);

beforeAll(async () => {
  admin = openPool(readConfig({ POSTGRES_URL: PG_URL }), false);
  await admin.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
  await admin.query(`CREATE SCHEMA ${S}`);
  await admin.query(`CREATE TABLE ${S}.t (id int PRIMARY KEY, v text)`);
  await admin.query(`INSERT INTO ${S}.t SELECT g, 'v' || g FROM generate_series(1, 10) g`);
  await admin.query(`CREATE TABLE ${S}.log (n int)`);
  await admin.query(`CREATE SEQUENCE ${S}.seq`);
  src = source();
});

afterAll(async () => {
  await src?.disconnect();
  await admin?.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
  await admin?.end();
});

async function settle<T>(p: Promise<T>): Promise<T | Error> {
  try {
    return await p;
  } catch (e) {
    return e as Error;
  }
}

async function probeAll(spec: SourceSpec): Promise<void> {
  const schema = await settle(src.getSchema(spec));
  if (schema instanceof Error) return;
  const s = { ...schema, key: schema.key.length ? schema.key : [schema.columns[0].name] };
  await settle(src.countRows(spec, s));
  await settle(src.planBoundaries(spec, s, 3));
  await settle(src.maxValue(spec, s, s.columns[0].name));
  await settle((async () => {
    for await (const _ of src.readData(spec, s, { after: null, upTo: null }, { batchRows: 5 })) void _;
  })());
}

describe('PostgreSQL query lexing', () => {
  it('ends a -- comment at \\r, as the server does', () => {
    const q = `SELECT 1 AS id --\r; CREATE TABLE x (a int)`;
    expect(() => validateQuery(q)).toThrow(/single statement/);
  });
  it('takes é$x$ as an identifier, not a dollar quote', () => {
    expect(maskSql('SELECT é$x$ FROM t')).toBe('SELECT é$x$ FROM t');
    expect(() => validateQuery(`SELECT 1 AS é$x$; INSERT INTO t VALUES (1); SELECT $x$`)).toThrow(/single statement|unterminated/);
  });
  it('still blanks real dollar quotes, E-strings and nested comments', () => {
    expect(maskSql(`SELECT $a$;$a$, E'\\';', /* /* ; */ ; */ 1`)).not.toContain(';');
    expect(() => validateQuery(`SELECT 'a\\'; DELETE FROM t; --'`)).toThrow(/single statement/);
  });
});

describe('PostgreSQL source sessions', () => {
  it('runs no second statement even when the query check is bypassed (extended protocol)', async () => {
    // What a query that slipped past the lexer becomes: several statements in one text.
    const db = (src as unknown as { session(long?: boolean): pg.Pool }).session();
    const err = await settle(db.query(`SELECT 1; COMMIT; BEGIN READ WRITE; CREATE TABLE ${S}.made (a int)`));
    expect(err).toBeInstanceOf(Error);
    expect(await tableExists('made')).toBe(false);
  });

  it('the \\r and é$x$ probes write nothing through any source call', async () => {
    for (const query of [
      `SELECT id FROM ${S}.t --\r; COMMIT; BEGIN READ WRITE; CREATE TABLE ${S}.made2 (a int); INSERT INTO ${S}.log VALUES (1)`,
      `SELECT 1 AS é$x$; COMMIT; BEGIN READ WRITE; INSERT INTO ${S}.log VALUES (2); SELECT $x$`,
    ]) {
      await probeAll({ query, orderBy: ['id'] });
    }
    expect(await tableExists('made2')).toBe(false);
    expect(await count('log')).toBe(0);
  });

  it('a set_config in one query does not leave a pooled session writable', async () => {
    const one = source({ POSTGRES_URL: PG_URL + '?connection-limit=1' });
    try {
      const q = `SELECT id, set_config('default_transaction_read_only', 'off', false) AS x FROM ${S}.t`;
      await probeAll({ query: q, orderBy: ['id'] });
      const after = await settle(one.getSchema({ query: `SELECT nextval('${S}.seq') AS id`, orderBy: ['id'] }).then(async (s) => one.countRows({ query: `SELECT nextval('${S}.seq') AS id`, orderBy: ['id'] }, s)));
      expect(after).toBeInstanceOf(PermanentError);
      expect((after as Error).message).toMatch(/read-only/);
      const seq = (await admin.query(`SELECT last_value, is_called FROM ${S}.seq`)).rows[0];
      expect(String(seq.is_called)).toMatch(/^(f|false)$/);
    } finally {
      await one.disconnect();
    }
  });

  it('a pg_sleep query is cancelled by the statement timeout, with a clear error', async () => {
    const quick = source({ SOURCE_STATEMENT_TIMEOUT: '1', SOURCE_PROBE_TIMEOUT: '1' });
    try {
      const spec = { query: `SELECT id FROM ${S}.t WHERE pg_sleep(30) IS NOT NULL`, orderBy: ['id'] };
      const schema = await quick.getSchema(spec);
      const t0 = Date.now();
      const err = await settle(quick.countRows(spec, { ...schema, key: ['id'] }));
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toMatch(/statement timeout/);
    } finally {
      await quick.disconnect();
    }
  });

  it('database errors name their class, never the server text', async () => {
    const spec = { query: `SELECT id FROM ${S}.t WHERE (SELECT current_user || version())::int = 1`, orderBy: ['id'] };
    const err = await settle(src.getSchema(spec).then((schema) => src.countRows(spec, schema)));
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/data error/);
    expect(msg).not.toMatch(/postgres|PostgreSQL \d|version|x86|gcc/i);
  });
});
