/**
 * The connector against the emulator's real-cluster modes: rows queryable only once their partition
 * closes, a time range required on every query, named tuples, rows that fail to parse accepted with
 * a 200 and dropped, and an empty field stored as missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHydrolixEmulator, type EmulatorHandle, type EmulatorOptions } from '../../test/hydrolix-emulator';
import { PermanentError, type Row } from '../types';
import { HydrolixDestination } from './destination';
import { col, schemaOf, settingsFor } from './test-helpers';
import { INDEXING_MARGIN_MS, PARTITION_SETTINGS, visibilityWaitMs } from './visibility';

const USER = { username: 'admin@example.com', password: 'hunter2-SECRET' };
const emus: EmulatorHandle[] = [];
const dests: HydrolixDestination[] = [];
afterEach(async () => {
  for (const d of dests.splice(0)) await d.disconnect();
  for (const e of emus.splice(0)) await e.close();
});

async function start(opts: EmulatorOptions = {}, over = {}) {
  const emu = await startHydrolixEmulator({ users: [USER], ...opts });
  emus.push(emu);
  const dest = new HydrolixDestination(settingsFor(emu.url, { ...USER, retryBaseMs: 5, ...over }));
  dests.push(dest);
  return { emu, dest };
}

const schema = schemaOf([
  col('id', { kind: 'int', bits: 32, unsigned: false }, false, 'int'),
  col('at', { kind: 'datetime', fsp: 6, utc: false }, false, 'datetime(6)'),
  col('name', { kind: 'string', maxLength: 20 }, true, 'varchar(20)'),
  col('code', { kind: 'string', maxLength: 5 }, false, 'char(5)'),
  col('tags', { kind: 'set', values: ['a', 'b'] }, true, "set('a','b')"),
  col('img', { kind: 'binary' }, false, 'blob'),
]);
const row = (id: number, name: string | null = `n${id}`, code = `c${id}`, img = Buffer.from([id])): Row => [
  id,
  `2020-01-01 00:00:00.${String(id).padStart(6, '0')}`,
  name,
  code,
  null,
  img,
];
const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));

describe('visibility: rows queryable only once their partition closes', () => {
  it('follows the table’s partition timers; tables we create get short ones', () => {
    expect(visibilityWaitMs(undefined)).toBe(300_000 + INDEXING_MARGIN_MS); // cold partitions stay open 5 min by default
    expect(visibilityWaitMs({ stream: PARTITION_SETTINGS })).toBe(15_000 + INDEXING_MARGIN_MS);
    expect(visibilityWaitMs({ stream: { ...PARTITION_SETTINGS, cold_data_max_idle_seconds: 40 } })).toBe(40_000 + INDEXING_MARGIN_MS);
  });

  it('a lost answer asked about too soon would be sent twice; after the visibility wait it is not', { timeout: 30_000 }, async () => {
    // Cold partitions open 4 s; the emulator answers queries only for closed partitions.
    for (const [waitMs, dupes] of [[0, true], [4500, false]] as const) {
      const { emu, dest } = await start({ visibility: 'partitions' }, { visibilityWaitMs: waitMs });
      await dest.createTable({ table: 'cold' }, schema);
      Object.assign(emu.state.tableByName('epic_shelter', 'cold')!.settings.stream, { cold_data_max_open_seconds: 4 });
      emu.state.injectFault({ status: 0, kind: 'store-then-drop', path: 'ingest' });
      await dest.writeData({ table: 'cold' }, schema, rows(1, 5));
      const ids = emu.state.rows('epic_shelter', 'cold').rows.map((r) => Number(r.id));
      expect(ids.length > 5).toBe(dupes);
      expect(new Set(ids).size).toBe(5);
    }
  });

  it('a resumed chunk waits the visibility delay; a first attempt asking about earlier runs only what remains of it', async () => {
    const emu = await startHydrolixEmulator({ users: [USER] });
    emus.push(emu);
    const slept: number[] = [];
    const dest = new HydrolixDestination(settingsFor(emu.url, { ...USER, visibilityWaitMs: 20_000 }), { sleep: async (ms) => void slept.push(ms) });
    dests.push(dest);
    await dest.createTable({ table: 'resume' }, schema);
    const all = { after: null, upTo: null };
    await dest.landedRows({ table: 'resume' }, schema, all);
    await dest.landedRows({ table: 'resume' }, schema, all, undefined, { writtenBefore: Date.now() - 3_600_000 }); // a run that ended an hour ago
    await dest.landedRows({ table: 'resume' }, schema, all, undefined, { writtenBefore: Date.now() - 40_000 });
    expect(slept[0]).toBe(20_000);
    expect(slept).toHaveLength(2);
    expect(slept[1]).toBeGreaterThan(9_000); // 40 s ago + 30 s for stragglers + 20 s
    expect(slept[1]).toBeLessThanOrEqual(10_000);
  });

  it('verification’s tally waits for the rows to show up, up to the visibility wait', async () => {
    const { emu, dest } = await start({ visibility: 'partitions' }, { visibilityWaitMs: 3000 });
    await dest.createTable({ table: 'cold_tally' }, schema);
    Object.assign(emu.state.tableByName('epic_shelter', 'cold_tally')!.settings.stream, { cold_data_max_open_seconds: 1 });
    await dest.writeData({ table: 'cold_tally' }, schema, rows(1, 5));
    expect(await dest.tally({ table: 'cold_tally' }, schema)).toMatchObject({ rows: 0 }); // not yet visible
    expect(await dest.tally({ table: 'cold_tally' }, schema, { expectRows: 5 })).toEqual({ rows: 5, distinctKeys: 5, keySum: '15' });
  });
});

describe('queries on a cluster that requires a time range', () => {
  it('every query the connector sends carries a primary-timestamp range', async () => {
    const { emu, dest } = await start({ queryOptions: { hdx_query_timerange_required: true, hdx_query_max_timerange_sec: 3600 } });
    await dest.createTable({ table: 'ranged' }, schema);
    await dest.writeData({ table: 'ranged' }, schema, rows(1, 3));
    expect(await dest.landedRows({ table: 'ranged' }, schema, { after: null, upTo: null })).toEqual({ rows: 3, lastKey: [3] });
    expect(await dest.countRows({ table: 'ranged' })).toBe(3);
    expect(await dest.tally({ table: 'ranged' }, schema)).toEqual({ rows: 3, distinctKeys: 3, keySum: '6' });
    // The mode is on: a query without the range is refused as Hydrolix refuses it.
    const res = await fetch(`${emu.url}/query`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}` },
      body: 'SELECT count() FROM `epic_shelter`.`ranged` FORMAT JSON',
    });
    expect(await res.text()).toMatch(/hdx_query_timerange_required/);
  });

  it('reads max(tuple(...)) printed as a named tuple (ClickHouse 24.8)', async () => {
    const { dest } = await start({ namedTuples: true });
    const two = schemaOf([col('k1', { kind: 'int', bits: 32, unsigned: false }, false), col('k2', { kind: 'string' }, false)], ['k1', 'k2']);
    await dest.createTable({ table: 'named' }, two);
    await dest.writeData({ table: 'named' }, two, [[1, 'a'], [2, 'b']]);
    expect(await dest.landedRows({ table: 'named' }, two, { after: null, upTo: null })).toEqual({ rows: 2, lastKey: [2, 'b'] });
  });
});

describe('rows that fail to parse', () => {
  const failure = { column: 'at', pattern: '\\.\\d{6}$', reason: 'parsing time "…": extra text: "456"' };

  it('are accepted with 200 and dropped by the cluster: without the validator, only missing rows would tell', async () => {
    const { emu, dest } = await start({ rejectStatus: 200, parseFailures: [failure] }, { validateRows: 0 });
    await dest.createTable({ table: 'silent' }, schema);
    expect(await dest.writeData({ table: 'silent' }, schema, rows(1, 3))).toBe(3);
    expect(emu.state.rows('epic_shelter', 'silent').rows).toEqual([]);
  });

  it('are caught by the validator before anything is sent, naming the column and the row', async () => {
    const { emu, dest } = await start({ rejectStatus: 200, parseFailures: [failure] });
    await dest.createTable({ table: 'checked' }, schema);
    const err = await dest.writeData({ table: 'checked' }, schema, rows(1, 3)).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/cannot parse column at \(datetime\(6\)\) in row with key \(id=1\): column "at": parsing time/);
    expect(emu.state.getStats().ingestRequests).toBe(0);
  });

  it('a valid sample passes, once per process and target', async () => {
    const { emu, dest } = await start({ rejectStatus: 200 });
    await dest.createTable({ table: 'fine' }, schema);
    await dest.writeData({ table: 'fine' }, schema, rows(1, 3));
    await dest.writeData({ table: 'fine' }, schema, rows(4, 6));
    expect(emu.state.rows('epic_shelter', 'fine').rows).toHaveLength(6);
    expect(emu.state.getStats().allByStatus['200']).toBeGreaterThan(0);
  });
});

describe('empty values', () => {
  it('a NOT NULL string keeps \'\' (default ""); a nullable one is named in warnings, and its \'\' lands as NULL', async () => {
    const { emu, dest } = await start();
    const r = await dest.createTable({ table: 'empties' }, schema);
    const w = r.warnings.join('\n');
    expect(w).toMatch(/name: varchar\(20\) is nullable.*empty string \(''\) becomes NULL/);
    expect(w).toMatch(/tags: set\('a','b'\) is nullable.*empty set/);
    expect(w).not.toMatch(/\bcode:/);
    expect(w).not.toMatch(/\bimg:.*NULL/);
    await dest.writeData({ table: 'empties' }, schema, [row(1, '', '', Buffer.alloc(0)), row(2, null, 'x')]);
    const stored = emu.state.rows('epic_shelter', 'empties').rows;
    expect(stored.map((s) => [s.name, s.code, s.img])).toEqual([
      [null, '', ''],
      [null, 'x', Buffer.from([2]).toString('base64')],
    ]);
  });

  it('an existing transform without the default is named too', async () => {
    const { dest } = await start();
    const old = { ...schema, columns: schema.columns.map((c) => (c.name === 'code' ? { ...c, nullable: true } : c)) };
    await dest.createTable({ table: 'older' }, old); // made while `code` was nullable: no default
    const r = await new HydrolixDestination(settingsFor(emus[0].url, USER)).createTable({ table: 'older' }, schema);
    expect(r.warnings.join('\n')).toMatch(/code: the existing transform epic_shelter of epic_shelter\.older sets no "default": "", so an empty value lands as NULL/);
  });
});
