/**
 * Lost ingest answers, against the emulator's faults: a request whose answer is lost after it was
 * sent is settled by asking what landed, never sent again blindly; refusals are resent as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHydrolixEmulator, type EmulatorHandle, type FaultSpec } from '../../test/hydrolix-emulator';
import type { Row } from '../types';
import { HydrolixAuth } from './auth';
import { HydrolixDestination } from './destination';
import { HttpClient } from './http';
import { settle, splitRanges, type IngestContext } from './ingest';
import { col, schemaOf, settingsFor } from './test-helpers';

const USER = { username: 'admin@example.com', password: 'hunter2-SECRET' };
let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startHydrolixEmulator({ users: [USER] });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => emu.state.clearFaults());

const schema = schemaOf([
  col('id', { kind: 'int', bits: 64, unsigned: true }, false, 'bigint unsigned'),
  col('at', { kind: 'datetime', fsp: 0, utc: false }, false, 'datetime'),
  col('v', { kind: 'int', bits: 32, unsigned: false }, true, 'int'),
]);
const rowsOf = (from: number, to: number, v = 0): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => [String(from + i), `2020-01-01 00:00:${String((from + i) % 60).padStart(2, '0')}`, v]);
/** Small requests, so a batch of 30 rows is several POSTs and a fault hits one in the middle. */
const dest = (over = {}) => new HydrolixDestination(settingsFor(emu.url, { ...USER, maxRequestBytes: 600, retryBaseMs: 5, ...over }));
const idsOf = (table: string) => emu.state.rows('epic_shelter', table).rows.map((r) => Number(r.id));
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function writeThrough(table: string, fault: FaultSpec, afterRequests = 1) {
  const d = dest();
  await d.createTable({ table }, schema);
  // Faults apply in order: `afterRequests` requests pass (processed, answered 200), then the fault hits the next one.
  emu.state.injectFault({ status: 200, kind: 'store-then-status', path: 'ingest', count: afterRequests });
  emu.state.injectFault({ path: 'ingest', ...fault });
  try {
    expect(await d.writeData({ table }, schema, rowsOf(1, 30))).toBe(30);
  } finally {
    await d.disconnect();
  }
  expect(emu.state.faults.filter((f) => f.remaining > 0)).toEqual([]); // the fault did hit a request
  return emu.state.getStats();
}

describe('a lost ingest answer', () => {
  it('rows stored, connection dropped: settled as landed, nothing sent twice', async () => {
    const stats = await writeThrough('lost_drop', { status: 0, kind: 'store-then-drop' });
    expect(stats.byStatus.dropped).toBeGreaterThanOrEqual(1);
    expect(sorted(idsOf('lost_drop'))).toEqual(range(1, 30));
  });

  it('rows stored, then a 502: settled as landed, nothing sent twice', async () => {
    const before = emu.state.getStats().rowsReceived;
    const stats = await writeThrough('lost_502', { status: 502, kind: 'store-then-status' });
    expect(stats.byStatus['502']).toBeGreaterThanOrEqual(1);
    expect(sorted(idsOf('lost_502'))).toEqual(range(1, 30));
    expect(stats.rowsReceived - before).toBe(30);
  });

  it('connection dropped before anything was stored: settled as missing, sent again', async () => {
    const before = emu.state.getStats().rowsReceived;
    const stats = await writeThrough('lost_unsent', { status: 0, kind: 'drop' });
    expect(sorted(idsOf('lost_unsent'))).toEqual(range(1, 30));
    expect(stats.rowsReceived - before).toBe(30);
  });

  it('503 without Retry-After may come from a gateway: settled; 429 and 503 with Retry-After are refusals: resent', async () => {
    for (const [table, fault] of [
      ['gw_503', { status: 503 }],
      ['busy_429', { status: 429, retryAfterSeconds: 0 }],
      ['busy_503', { status: 503, retryAfterSeconds: 0 }],
    ] as const) {
      await writeThrough(table, fault);
      expect(sorted(idsOf(table))).toEqual(range(1, 30));
    }
  });

  it('fails (for the chunk to resume) when answers keep getting lost, without sending anything twice', async () => {
    const d = dest();
    await d.createTable({ table: 'lost_always' }, schema);
    emu.state.injectFault({ status: 0, kind: 'drop', path: 'ingest', count: 6 });
    await expect(d.writeData({ table: 'lost_always' }, schema, rowsOf(1, 3))).rejects.toThrow(/lost 6 times/);
    expect(sorted(idsOf('lost_always'))).toEqual([]);
    // The activity's retry (a resumed chunk) then sends them once.
    expect(await d.writeData({ table: 'lost_always' }, schema, rowsOf(1, 3))).toBe(3);
    await d.disconnect();
    emu.state.clearFaults();
    expect(sorted(idsOf('lost_always'))).toEqual([1, 2, 3]);
  });
});

describe('settle', () => {
  const ctxFor = async (table: string): Promise<IngestContext & { close: () => Promise<void> }> => {
    const d = dest();
    await d.createTable({ table }, schema);
    await d.disconnect();
    const http = new HttpClient(emu.url, { maxRetries: 2, baseMs: 1 });
    return {
      auth: new HydrolixAuth(http, settingsFor(emu.url, USER)),
      target: { project: 'epic_shelter', table, primary: 'at' },
      transform: 'epic_shelter',
      schema,
      maxRequestBytes: 1 << 20,
      visibilityMs: 0,
      propagation: { retries: 0, delayMs: () => 0 },
      maxSettlements: 1,
      sleep: async () => {},
      close: () => http.close(),
    };
  };
  const keyAt = (i: number) => [String(11 + i)]; // the request holds keys 11..20 (indexes 0..9)

  it('nothing landed → all of it; a prefix → the rest; all of it → nothing; a hole → all of it again', async () => {
    const ctx = await ctxFor('settle_cases');
    const d = dest();
    expect(await settle(ctx, 0, 10, keyAt)).toBe(0);
    await d.writeData({ table: 'settle_cases' }, schema, [...rowsOf(1, 10), ...rowsOf(11, 14)]); // rows outside the request do not count
    expect(await settle(ctx, 0, 10, keyAt)).toBe(4);
    expect(await settle(ctx, 2, 10, keyAt)).toBe(4);
    await d.writeData({ table: 'settle_cases' }, schema, rowsOf(15, 20));
    expect(await settle(ctx, 0, 10, keyAt)).toBe(10);
    await d.disconnect();
    await ctx.close();

    const hole = await ctxFor('settle_hole');
    const d2 = dest();
    await d2.writeData({ table: 'settle_hole' }, schema, [...rowsOf(11, 12), ...rowsOf(14, 15)]);
    expect(await settle(hole, 0, 10, keyAt)).toBe(0); // 13 missing below the greatest landed key: resend all
    await d2.disconnect();
    await hole.close();
  });

  it('in an incremental run, earlier runs’ versions of the same keys are not taken as landed', async () => {
    const ts = schemaOf([
      col('id', { kind: 'int', bits: 32, unsigned: false }, false, 'int'),
      col('updated', { kind: 'datetime', fsp: 0, utc: false }, false, 'datetime'),
    ]);
    const d = dest();
    await d.createTable({ table: 'versions' }, ts);
    await d.writeData({ table: 'versions' }, ts, [[1, '2020-01-01 00:00:00'], [2, '2020-01-01 00:00:00'], [3, '2020-01-01 00:00:00']]);
    const window = { column: 'updated', after: '2020-01-01 00:00:00', upTo: '2021-01-01 00:00:00' };
    emu.state.injectFault({ status: 0, kind: 'drop', path: 'ingest' }); // the new versions never arrive the first time
    await d.writeData({ table: 'versions' }, ts, [[1, '2020-06-01 00:00:00'], [2, '2020-06-01 00:00:00'], [3, '2020-06-01 00:00:00']], { window });
    await d.disconnect();
    const stored = emu.state.rows('epic_shelter', 'versions').rows.map((r) => `${r.id}@${String(r.updated).slice(0, 7)}`);
    expect(stored.sort()).toEqual(['1@2020-01', '1@2020-06', '2@2020-01', '2@2020-06', '3@2020-01', '3@2020-06']);
  });

  it('a batch holding rows at the previous mark (re-read at the boundary) is settled without copies', async () => {
    const ts = schemaOf([
      col('id', { kind: 'int', bits: 32, unsigned: false }, false, 'int'),
      col('updated', { kind: 'datetime', fsp: 0, utc: false }, false, 'datetime'),
    ]);
    const d = dest();
    await d.createTable({ table: 'boundary' }, ts);
    const window = { column: 'updated', after: '2020-01-01 00:00:00', upTo: '2021-01-01 00:00:00' };
    // Row 1 sits at the mark (a late row of the boundary second): the window's landed query cannot see it.
    emu.state.injectFault({ status: 0, kind: 'store-then-drop', path: 'ingest' });
    await d.writeData({ table: 'boundary' }, ts, [[1, '2020-01-01 00:00:00'], [2, '2020-06-01 00:00:00'], [3, '2020-06-01 00:00:00']], { window });
    await d.disconnect();
    expect(sorted(idsOf('boundary'))).toEqual([1, 2, 3]);
  });

  it('splitRanges keeps order and byte bounds', () => {
    expect(splitRanges(['aaaa', 'bb', 'cccccc', 'd'], 8)).toEqual([[0, 2], [2, 3], [3, 4]]);
    expect(splitRanges(['toolongline'], 4)).toEqual([[0, 1]]);
    expect(splitRanges(['a', 'b', 'c'], 4)).toEqual([[0, 2], [2, 3]]);
    expect(splitRanges([], 4)).toEqual([]);
  });
});
