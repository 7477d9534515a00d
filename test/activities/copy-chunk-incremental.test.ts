/**
 * An incremental chunk in isolation (MockActivityEnvironment, real MariaDB, the emulator): it
 * skips rows the previous run read unchanged at its mark, writes new versions (also ones that
 * changed within the mark's second), and, resumed from an older heartbeat after a crash, reads
 * the stretch that landed meanwhile again without writing it, so its counts stay exact and no
 * version lands twice.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../../connectors';
import { ConnectorCache, createActivities } from '../../activities';
import { startHydrolixEmulator } from '../hydrolix-emulator';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';
import type { ChunkHeartbeat, ChunkResult, CopyChunkInput } from '../../workflows/types';
import type { TableSchema } from '../../connectors/types';
import { fingerprintCount } from '../../workflows/incremental';

const table = uniqueName('es_chunk_incr');
const project = 'chunks_incremental';
let emulator: Awaited<ReturnType<typeof startHydrolixEmulator>>;
let connectors: ConnectorCache;
let activities: ReturnType<typeof createActivities>;

const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const at = (s: number) => new Date(base + s * 1000).toISOString().slice(0, 19).replace('T', ' ');

beforeAll(async () => {
  const db = await mariadb();
  await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, val VARCHAR(40) NOT NULL)`);
  // ids 1..300 at second 0, 301..600 at second 1 (the first run's mark).
  await db.query(`INSERT INTO \`${table}\` VALUES ?`, [Array.from({ length: 600 }, (_, i) => [i + 1, at(i < 300 ? 0 : 1), `v1-${i + 1}`])]);
  await db.end();
  emulator = await startHydrolixEmulator({ port: 0, users: [{ username: 'u@example.com', password: 'p-secret' }] });
  const env = {
    SINGLESTORE_URL: MARIADB_URL,
    HYDROLIX_URL: emulator.url,
    HYDROLIX_USERNAME: 'u@example.com',
    HYDROLIX_PASSWORD: 'p-secret',
    HYDROLIX_PROJECT: project,
    HYDROLIX_VISIBILITY_WAIT_MS: '0',
    HYDROLIX_RESUME_SETTLE_MS: '0',
  };
  connectors = new ConnectorCache(env);
  activities = createActivities({ env, connectors });
});

afterAll(async () => {
  await connectors?.closeAll();
  await emulator?.close();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

it('skips what the last run delivered, and a resumed chunk accounts for what landed before the crash', async () => {
  const source = { type: 'SINGLESTORE', spec: { table } };
  const destination = { type: 'HYDROLIX', spec: { table: 'versions', options: { timestamp_column: 'updated_at' } } };
  const schema: TableSchema = await new MockActivityEnvironment().run(activities.readSourceSchema, source);
  await new MockActivityEnvironment().run(activities.createDestinationTable, { destination, schema });
  const chunk = (window: { from: string | null; upTo: string }, mark: string | null, seen: string): CopyChunkInput => ({
    chunkIndex: 0,
    range: { after: null, upTo: null },
    source: { ...source, spec: { ...source.spec, window: { column: 'updated_at', after: null, ...window } } },
    destination,
    schema,
    batchRows: 50,
    mayHaveLanded: false,
    boundary: { column: 'updated_at', mark, seen, keepFrom: window.upTo, upTo: window.upTo },
  });

  // First run: everything up to second 1; it fingerprints the 300 rows at its mark.
  const first = (await new MockActivityEnvironment().run(activities.copyChunk, chunk({ from: null, upTo: at(1) }, null, ''))) as ChunkResult;
  expect([first.rows, first.skipped, fingerprintCount(first.seen)]).toEqual([600, 0, 300]);

  const db = await mariadb();
  try {
    // Rows 1..100 change at second 2 (first in key order), row 400 changes within the mark's
    // second, rows 601..700 arrive in the mark's second after the run, 701..750 at second 2.
    await db.query(`UPDATE \`${table}\` SET val = CONCAT('v2-', id), updated_at = ? WHERE id <= 100`, [at(2)]);
    await db.query(`UPDATE \`${table}\` SET val = 'v2-400' WHERE id = 400`);
    const more = Array.from({ length: 150 }, (_, i) => [601 + i, at(i < 100 ? 1 : 2), `v1-${601 + i}`]);
    await db.query(`INSERT INTO \`${table}\` VALUES ?`, [more]);
  } finally {
    await db.end();
  }
  // Window [second 1, second 2]: 100 + 300 + 100 + 50 = 550 rows, 299 of them delivered unchanged.
  const second = chunk({ from: at(1), upTo: at(2) }, at(1), first.seen!);

  const env = new MockActivityEnvironment();
  const beats: ChunkHeartbeat[] = [];
  env.on('heartbeat', (d: unknown) => {
    if (d === undefined) return;
    beats.push(d as ChunkHeartbeat);
    if (beats.length === 2) env.cancel();
  });
  await expect(env.run(activities.copyChunk, second)).rejects.toBeInstanceOf(CancelledFailure);
  // Resumed from the first heartbeat (the server may hold an older one than the worker sent):
  // rows 51..100 landed after it.
  expect(beats[0]).toMatchObject({ cursor: [50], rows: 50, fresh: 50 });
  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: beats[0] });
  const result = (await retry.run(activities.copyChunk, second)) as ChunkResult;
  // Rows 51..100 are counted as written but not fingerprinted (one changed since the crash must not
  // be taken as delivered): of the 150 rows at second 2, 100 are remembered.
  expect([result.rows, result.skipped, fingerprintCount(result.seen)]).toEqual([251, 299, 100]);

  const stored = emulator.state.rows(project, 'versions').rows.map((r) => `${r.id}|${String(r.updated_at).slice(0, 19)}|${r.val}`);
  expect(stored.length).toBe(600 + 251);
  expect(new Set(stored).size).toBe(stored.length);
});
