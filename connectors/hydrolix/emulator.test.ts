/** Integration: the connector against the strict Hydrolix emulator (test/hydrolix-emulator), which follows the same API doc. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHydrolixEmulator, type EmulatorHandle } from '../../test/hydrolix-emulator';
import { PermanentError, type Row } from '../types';
import { HydrolixDestination } from './destination';
import { col, schemaOf, settingsFor } from './test-helpers';

const USER = { username: 'admin@example.com', password: 'hunter2-SECRET' };
let emu: EmulatorHandle;
let dest: HydrolixDestination;

beforeAll(async () => {
  // Paginated lists and a propagation delay: the connector must cope with both (doc §2).
  emu = await startHydrolixEmulator({ users: [USER], listShape: 'paginated', propagationDelayMs: 300 });
  dest = new HydrolixDestination(settingsFor(emu.url, { ...USER, maxRequestBytes: 2048, retryBaseMs: 50 }));
});
afterAll(async () => {
  await dest?.disconnect();
  await emu?.close();
});

const schema = schemaOf([
  col('id', { kind: 'int', bits: 64, unsigned: true }, false, 'bigint unsigned'),
  col('created', { kind: 'datetime', fsp: 6, utc: false }, false, 'datetime(6)'),
  col('userName', { kind: 'string' }, true, 'varchar(50)'),
  col('price', { kind: 'decimal', precision: 20, scale: 4 }, true, 'decimal(20,4)'),
  col('born', { kind: 'date' }, true, 'date'),
  col('flag', { kind: 'boolean' }, true, 'tinyint(1)'),
  col('small', { kind: 'int', bits: 16, unsigned: false }, true, 'smallint'),
  col('f', { kind: 'float', bits: 64 }, true, 'double'),
  col('doc', { kind: 'json' }, true, 'json'),
  col('blob', { kind: 'binary' }, true, 'blob'),
  col('t', { kind: 'time', fsp: 0 }, true, 'time'),
  col('y', { kind: 'year' }, true, 'year'),
  col('bits', { kind: 'bit', bits: 64 }, true, 'bit(64)'),
]);

const rowFor = (i: number): Row => [
  i === 99 ? '18446744073709551615' : String(i + 1),
  `2001-02-03 04:05:${String(i % 60).padStart(2, '0')}.123456`,
  `n😀 "${i}" \\ '`,
  i % 3 ? '12345678901234.5678' : null,
  i % 2 ? '1910-05-06' : null,
  i % 5 === 0 ? 2 : 1,
  -32768,
  0.1,
  '{"a":[1,2,{"b":null}]}',
  Buffer.from([0, 255, i]),
  '-838:59:59',
  2155,
  '18446744073709551615',
];

describe('HydrolixDestination ↔ emulator', () => {
  it('testConnection names the server without secrets', async () => {
    const info = await dest.testConnection();
    expect(info.server).toMatch(/^Hydrolix .*\(127\.0\.0\.1:\d+\)$/);
    expect(info.server).not.toContain(USER.password);
  });

  it('creates the table, then is idempotent', async () => {
    const r = await dest.createTable({ table: 'orders' }, schema);
    expect(r).toMatchObject({ target: 'epic_shelter.orders', created: true });
    expect(r.warnings.join('\n')).toMatch(/userName is named username/);
    const again = await new HydrolixDestination(settingsFor(emu.url, USER)).createTable({ table: 'orders' }, schema);
    expect(again.created).toBe(false);
  });

  it('writes rows exactly (in several requests, through the propagation delay) and reads back the landed range', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => rowFor(i));
    expect(await dest.writeData({ table: 'orders' }, schema, rows)).toBe(100);
    expect(emu.state.getStats().byStatus['200']).toBeGreaterThan(1);
    expect(emu.state.rejects('epic_shelter', 'orders')).toEqual([]);
    const stored = emu.state.rows('epic_shelter', 'orders').rows;
    expect(stored).toHaveLength(100);
    const max = stored.find((r) => String(r.id) === '18446744073709551615')!;
    expect(max).toBeDefined();
    expect(String(max.bits)).toBe('18446744073709551615');
    expect(max.username).toBe(`n😀 "99" \\ '`);
    expect(max.blob).toBe(Buffer.from([0, 255, 99]).toString('base64'));

    expect(await dest.countRows({ table: 'orders' })).toBe(100);
    expect(await dest.landedRows({ table: 'orders' }, schema, { after: null, upTo: null })).toEqual({ rows: 100, lastKey: ['18446744073709551615'] });
    expect(await dest.landedRows({ table: 'orders' }, schema, { after: ['10'], upTo: ['20'] })).toEqual({ rows: 10, lastKey: ['20'] });
    expect(await dest.landedRows({ table: 'orders' }, schema, { after: ['18446744073709551615'], upTo: null })).toEqual({ rows: 0, lastKey: null });
  });

  it('the row guard refuses rows Hydrolix would drop, before sending anything', async () => {
    const before = emu.state.getStats().ingestRequests;
    const bad = rowFor(0);
    bad[0] = '777';
    bad[1] = '1969-07-20 20:17:40';
    const err = await dest.writeData({ table: 'orders' }, schema, [rowFor(1), bad]).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/created = "1969-07-20 20:17:40" in row with key \(id="777"\)/);
    expect(emu.state.getStats().ingestRequests).toBe(before);
  });

  it('a fresh connector (another activity) resolves the existing table and writes with a composite string key', async () => {
    const s2 = schemaOf([col('k1', { kind: 'int', bits: 32, unsigned: false }, false), col('k2', { kind: 'string' }, false)], ['k1', 'k2']);
    await dest.createTable({ table: 'pairs', namespace: 'other' }, s2);
    const fresh = new HydrolixDestination(settingsFor(emu.url, { ...USER, retryBaseMs: 50 }));
    await fresh.writeData({ table: 'pairs', namespace: 'other' }, s2, [[1, 'a'], [1, "b'"], [2, 'a']]);
    expect(await fresh.landedRows({ table: 'pairs', namespace: 'other' }, s2, { after: [1, 'a'], upTo: [2, 'a'] })).toEqual({ rows: 2, lastKey: [2, 'a'] });
    await fresh.disconnect();
  });

  it('rides out injected 503s on ingest and keeps order', async () => {
    const s3 = schemaOf([col('id', { kind: 'int', bits: 32, unsigned: false }, false)]);
    await dest.createTable({ table: 'flaky' }, s3);
    await new Promise((r) => setTimeout(r, 350)); // past the propagation delay, so only the faults are retried
    emu.state.injectFault({ status: 503, count: 2, path: 'ingest' });
    expect(await dest.writeData({ table: 'flaky' }, s3, [[1], [2], [3]])).toBe(3);
    expect(emu.state.rows('epic_shelter', 'flaky').rows.map((r) => Number(r.id))).toEqual([1, 2, 3]);
  });
});
