import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import { HydrolixDestination, TABLE_SETTINGS } from './destination';
import { col, schemaOf, settingsFor } from './test-helpers';

/** A tiny in-memory Config/ingest/query API recording what the connector sends. */
interface Fake {
  url: string;
  projects: Record<string, any>[];
  tables: Record<string, any>[];
  transforms: Record<string, any>[];
  ingests: { headers: IncomingMessage['headers']; lines: string[] }[];
  queries: string[];
  ingestStatus: number[];
  raceOnTable: boolean;
  creates: string[];
}

let server: Server;
let fake: Fake;

beforeEach(async () => {
  fake = { url: '', projects: [], tables: [], transforms: [], ingests: [], queries: [], ingestStatus: [], raceOnTable: false, creates: [] };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const path = req.url!;
      if (path === '/config/v1/login') {
        return send(200, { uuid: 'u1', orgs: [{ uuid: 'org1' }], auth_token: { access_token: 'T', expires_in: 86400, token_type: 'Bearer' } });
      }
      if (req.headers.authorization !== 'Bearer T') return send(401, { detail: 'Authentication credentials were not provided.' });
      const body = () => JSON.parse(raw.toString());
      let m: RegExpMatchArray | null;
      if (path === '/config/v1/orgs/org1/projects/') {
        if (req.method === 'GET') return send(200, { count: fake.projects.length, next: null, previous: null, results: fake.projects });
        const p = { uuid: `p-${body().name}`, ...body() };
        fake.projects.push(p);
        fake.creates.push(`project ${p.name}`);
        return send(201, p);
      }
      if ((m = path.match(/^\/config\/v1\/orgs\/org1\/projects\/([^/]+)\/tables\/$/))) {
        if (req.method === 'GET') return send(200, fake.tables.filter((t) => t.project === m![1]));
        const t = { uuid: `t-${body().name}`, project: m[1], ...body() };
        fake.tables.push(t);
        fake.creates.push(`table ${t.name}`);
        if (fake.raceOnTable) return send(400, { name: ['This field must be unique.'] });
        return send(201, t);
      }
      if ((m = path.match(/^\/config\/v1\/orgs\/org1\/projects\/[^/]+\/tables\/([^/]+)\/transforms\/$/))) {
        if (req.method === 'GET') return send(200, fake.transforms.filter((t) => t.table === m![1]));
        const t = { uuid: `x-${body().name}`, table: m[1], ...body() };
        fake.transforms.push(t);
        fake.creates.push(`transform ${t.name}`);
        return send(200, t);
      }
      if (path === '/ingest/event') {
        fake.ingests.push({ headers: req.headers, lines: gunzipSync(raw).toString().split('\n').filter(Boolean) });
        const status = fake.ingestStatus.shift() ?? 200;
        return send(status, status === 207 ? { rejected: 1, reason: 'bad row' } : status === 400 ? { detail: 'malformed body' } : {});
      }
      if (path === '/query') {
        fake.queries.push(raw.toString());
        return send(200, { meta: [], data: [{ 'es.rows': '2', 'es.last_key': ['18446744073709551615'] }], rows: 1 });
      }
      send(404, { detail: 'Not found.' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => server.close());

const schema = schemaOf([
  col('id', { kind: 'int', bits: 64, unsigned: true }, false, 'bigint unsigned'),
  col('name', { kind: 'string' }),
  col('price', { kind: 'decimal', precision: 10, scale: 2 }, true, 'decimal(10,2)'),
]);

describe('HydrolixDestination against a fake API', () => {
  it('creates project, backfill-safe table and transform once; then is idempotent', async () => {
    const dest = new HydrolixDestination(settingsFor(fake.url));
    const r = await dest.createTable({ table: 'orders' }, schema);
    expect(r).toMatchObject({ target: 'epic_shelter.orders', created: true });
    expect(r.warnings.join('\n')).toMatch(/_es_ingested_at/);
    expect(r.warnings.join('\n')).toMatch(/price.*string/);
    expect(fake.creates).toEqual(['project epic_shelter', 'table orders', 'transform epic_shelter']);
    expect(fake.tables[0].settings).toEqual(TABLE_SETTINGS);
    expect(fake.transforms[0].settings).toMatchObject({ is_default: true, compression: 'none' });
    expect(fake.transforms[0].settings.output_columns.map((c: any) => `${c.name}:${c.datatype.type}`)).toEqual([
      '_es_ingested_at:datetime', 'id:uint64', 'name:string', 'price:string',
    ]);
    const again = await new HydrolixDestination(settingsFor(fake.url)).createTable({ table: 'orders' }, schema);
    expect(again).toMatchObject({ created: false });
    expect(fake.creates).toHaveLength(3);
    await dest.disconnect();
  });

  it('refuses an incompatible existing transform', async () => {
    const dest = new HydrolixDestination(settingsFor(fake.url));
    await dest.createTable({ table: 'orders', namespace: 'p2' }, schema);
    const other = schemaOf([col('id', { kind: 'int', bits: 32, unsigned: false }, false), col('name', { kind: 'string' })]);
    const err = await new HydrolixDestination(settingsFor(fake.url)).createTable({ table: 'orders', namespace: 'p2' }, other).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/id is uint64, expected int32/);
  });

  it('re-lists after a duplicate-name race', async () => {
    fake.raceOnTable = true;
    const r = await new HydrolixDestination(settingsFor(fake.url)).createTable({ table: 'orders' }, schema);
    expect(r.created).toBe(false);
    expect(fake.transforms).toHaveLength(1);
  });

  it('writes gzip NDJSON sequentially in bounded requests with the right headers', async () => {
    const dest = new HydrolixDestination(settingsFor(fake.url, { maxRequestBytes: 1024 }), { now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) });
    await dest.createTable({ table: 'orders' }, schema);
    const rows = Array.from({ length: 40 }, (_, i) => [i === 39 ? '18446744073709551615' : String(i), `n😀"${i}`, i % 2 ? null : '1.50']);
    expect(await dest.writeData({ table: 'orders' }, schema, rows)).toBe(40);
    expect(fake.ingests.length).toBeGreaterThan(1);
    const all = fake.ingests.flatMap((x) => x.lines);
    expect(all).toHaveLength(40);
    expect(all[0]).toBe('{"_es_ingested_at":"2025-01-02 03:04:05.006","id":0,"name":"n😀\\"0","price":"1.50"}');
    expect(all[39]).toBe('{"_es_ingested_at":"2025-01-02 03:04:05.006","id":18446744073709551615,"name":"n😀\\"39","price":null}');
    for (const { headers, lines } of fake.ingests) {
      expect(headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/json', 'x-hdx-table': 'epic_shelter.orders', 'x-hdx-transform': 'epic_shelter', authorization: 'Bearer T' });
      expect(lines.join('\n').length + lines.length).toBeLessThanOrEqual(1024);
    }
  });

  it('fails on 207 and does not retry a 400', async () => {
    const dest = new HydrolixDestination(settingsFor(fake.url));
    await dest.createTable({ table: 'orders' }, schema);
    fake.ingestStatus = [207];
    await expect(dest.writeData({ table: 'orders' }, schema, [['1', 'a', null]])).rejects.toThrow(/rejected some rows \(HTTP 207\)/);
    fake.ingestStatus = [400];
    const before = fake.ingests.length;
    const err = await dest.writeData({ table: 'orders' }, schema, [['1', 'a', null]]).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/HTTP 400 \(request refused\)/);
    expect(err.message).not.toMatch(/malformed body/); // the body goes to the worker's log
    expect(fake.ingests.length - before).toBe(1);
  });

  it('writeData without createTable names the missing table', async () => {
    await expect(new HydrolixDestination(settingsFor(fake.url)).writeData({ table: 'nope' }, schema, [['1', 'a', null]])).rejects.toThrow(
      /epic_shelter.nope does not exist/,
    );
  });

  it('landedRows queries with tuple bounds and parses 64-bit keys', async () => {
    await new HydrolixDestination(settingsFor(fake.url)).createTable({ table: 'orders', namespace: 'p' }, schema);
    const dest = new HydrolixDestination(settingsFor(fake.url));
    const r = await dest.landedRows({ table: 'orders', namespace: 'p' }, schema, { after: ['5'], upTo: ['18446744073709551615'] });
    expect(r).toEqual({ rows: 2, lastKey: ['18446744073709551615'] });
    expect(fake.queries[0]).toBe(
      'SELECT count() AS `es.rows`, max(tuple(`id`)) AS `es.last_key` FROM `p`.`orders` WHERE tuple(`id`) > tuple(5) AND tuple(`id`) <= tuple(18446744073709551615) ' +
        "AND `_es_ingested_at` >= '1970-01-01 00:00:00' AND `_es_ingested_at` <= '2106-02-07 06:28:15' SETTINGS hdx_query_max_timerange_sec = 0 FORMAT JSON",
    );
  });
});
