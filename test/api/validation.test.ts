/**
 * Bad input never starts anything: each request in this catalogue gets a 4xx naming the
 * problem, and afterwards Temporal holds no workflow at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import '../../connectors';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const good = {
  name: 'Monthly Sales Migration',
  source_type: 'SINGLESTORE',
  source_config: { table: 'sales_data', query: "SELECT * FROM sales_data WHERE date >= '2024-01-01'" },
  destination_type: 'HYDROLIX',
  destination_config: { table: 'sales_history' },
};
const withSource = (cfg: unknown) => ({ ...good, source_config: cfg });
const withDest = (cfg: unknown) => ({ ...good, destination_config: cfg });

/** [label, body (object or raw string), expected status, text the error must mention] */
const cases: Array<[string, unknown, number, string]> = [
  ['malformed JSON', '{"name": "x",', 400, 'malformed JSON'],
  ['JSON array body', '[]', 400, '(body)'],
  ['JSON null body', 'null', 400, '(body)'],
  ['missing name', { ...good, name: undefined }, 400, 'name'],
  ['empty name', { ...good, name: '   ' }, 400, 'name'],
  ['name of wrong type', { ...good, name: 42 }, 400, 'name'],
  ['missing source_type', { ...good, source_type: undefined }, 400, 'source_type'],
  ['unknown source type', { ...good, source_type: 'ORACLE' }, 400, 'unknown source connector'],
  ['unknown destination type', { ...good, destination_type: 'S3' }, 400, 'unknown destination connector'],
  ['lower-case type', { ...good, source_type: 'singlestore' }, 400, 'source_type'],
  ['hydrolix as source', { ...good, source_type: 'HYDROLIX' }, 400, 'unknown source connector'],
  ['missing source_config', { ...good, source_config: undefined }, 400, 'source_config'],
  ['source_config not an object', withSource('sales_data'), 400, 'source_config'],
  ['neither table nor query', withSource({}), 400, 'source_config.table'],
  ['table with backtick', withSource({ table: 'sales`; DROP TABLE x; --' }), 400, 'source_config.table'],
  ['table with quote', withSource({ table: "sales'" }), 400, 'source_config.table'],
  ['table with semicolon', withSource({ table: 'a;b' }), 400, 'source_config.table'],
  ['table with dot', withSource({ table: 'db.sales' }), 400, 'source_config.table'],
  ['order_by with space', withSource({ table: 't', order_by: 'id desc' }), 400, 'source_config.order_by'],
  ['password in source_config', withSource({ table: 't', password: 'hunter2' }), 400, 'source_config.password'],
  ['url in source_config', withSource({ table: 't', url: 'mysql://u:p@h/db' }), 400, 'source_config.url'],
  ['unknown key in source_config', withSource({ table: 't', tabel: 'x' }), 400, 'tabel'],
  ['empty query', withSource({ query: '' }), 400, 'source_config.query'],
  ['multi-statement query', withSource({ query: 'SELECT 1; DROP TABLE sales_data' }), 400, 'single statement'],
  ['DELETE as query', withSource({ query: 'DELETE FROM sales_data' }), 400, 'must be a SELECT'],
  ['UPDATE as query', withSource({ query: 'UPDATE sales_data SET x = 1' }), 400, 'must be a SELECT'],
  ['SELECT INTO OUTFILE', withSource({ query: "SELECT * FROM t INTO OUTFILE '/tmp/x'" }), 400, 'read-only'],
  ['locking read', withSource({ query: 'SELECT * FROM t FOR UPDATE' }), 400, 'read-only'],
  ['transform_query not a SELECT', { ...good, transform_query: 'DROP TABLE source' }, 400, 'transform_query'],
  ['missing destination table', withDest({}), 400, 'destination_config.table'],
  ['destination table with quote', withDest({ table: 'x"y' }), 400, 'destination_config.table'],
  ['token in destination_config', withDest({ table: 't', token: 'abc' }), 400, 'destination_config.token'],
  ['project with hyphen', withDest({ table: 't', project: 'my-proj' }), 400, 'destination_config.project'],
  ['chunk_rows zero', { ...good, options: { chunk_rows: 0 } }, 400, 'options.chunk_rows'],
  ['chunk_rows absurd', { ...good, options: { chunk_rows: 1e12 } }, 400, 'options.chunk_rows'],
  ['chunk_rows fractional', { ...good, options: { chunk_rows: 1000.5 } }, 400, 'options.chunk_rows'],
  ['parallelism string', { ...good, options: { parallelism: '4' } }, 400, 'options.parallelism'],
  ['unknown option', { ...good, options: { turbo: true } }, 400, 'turbo'],
  ['unknown top-level field', { ...good, priority: 1 }, 400, 'priority'],
  ['huge body', { ...good, transform_query: 'x'.repeat(2 * 1024 * 1024) }, 413, 'larger than'],
];

describe('POST /api/migrations rejects bad input and starts nothing', () => {
  let temporal: TestTemporal;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    temporal = await startTestTemporal();
    app = createApp({ client: temporal.client, connection: temporal.connection, taskQueue: 'validation-test' });
  });
  afterAll(async () => temporal?.stop());

  it.each(cases)('%s', async (_label, body, status, mention) => {
    const res = await app.request('/api/migrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(text).toContain(mention);
    expect(text).not.toContain('hunter2');
  });

  it('rejects a non-JSON content type', async () => {
    const res = await app.request('/api/migrations', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('application/json');
  });

  it('answers 404 for unknown ids', async () => {
    for (const path of ['/api/migrations/mig-nope', '/api/migrations/does-not-exist']) {
      expect((await app.request(path)).status).toBe(404);
    }
    expect((await app.request('/api/migrations/mig-nope/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('started no workflow for any of them', async () => {
    const res = await app.request('/api/migrations');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { migrations: unknown[] }).migrations).toEqual([]);
    let n = 0;
    for await (const _ of temporal.client.workflow.list()) n++;
    expect(n).toBe(0);
  });

  it('reports Temporal reachable on /healthz', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });
});
