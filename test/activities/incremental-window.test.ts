/**
 * The window step of an incremental run against real MariaDB: from the mark minus the lookback,
 * inclusive, to the greatest cursor now (never below the mark); and a lookback whose rows would
 * overflow the fingerprints is refused before anything is copied.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../../connectors';
import { ConnectorCache, createActivities } from '../../activities';
import type { TableSchema } from '../../connectors/types';
import { MAX_FINGERPRINTS } from '../../workflows/incremental';
import { MARIADB_URL, mariadb, uniqueName } from '../support/mariadb';

const table = uniqueName('es_window');
const env = { SINGLESTORE_URL: MARIADB_URL };
const connectors = new ConnectorCache(env);
const activities = createActivities({ env, connectors });
const source = { type: 'SINGLESTORE', spec: { table } };
let schema: TableSchema;

beforeAll(async () => {
  const db = await mariadb();
  await db.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, seq BIGINT NOT NULL, KEY (updated_at))`);
  // MAX_FINGERPRINTS + 1 rows within one minute, then one row an hour later.
  const rows = Array.from({ length: MAX_FINGERPRINTS + 1 }, (_, i) => [i + 1, `2024-06-01 10:00:${String(i % 60).padStart(2, '0')}`, i + 1]);
  rows.push([MAX_FINGERPRINTS + 2, '2024-06-01 11:00:30', 1_000_000]);
  for (let i = 0; i < rows.length; i += 5_000) await db.query(`INSERT INTO \`${table}\` VALUES ?`, [rows.slice(i, i + 5_000)]);
  await db.end();
  schema = await new MockActivityEnvironment().run(activities.readSourceSchema, source);
});

afterAll(async () => {
  await connectors.closeAll();
  const db = await mariadb();
  await db.query(`DROP TABLE IF EXISTS \`${table}\``);
  await db.end();
});

const window = (after: string | number | null, lookback: string | number | undefined, column = 'updated_at') =>
  new MockActivityEnvironment().run(activities.incrementalWindow, { source, schema, column, after, inclusive: true, lookback });

it('reads from the mark minus the lookback, inclusive, up to the greatest cursor now', async () => {
  expect(await window('2024-06-01 10:00:59', '10m')).toEqual({
    column: 'updated_at', after: null, from: '2024-06-01 09:50:59', upTo: '2024-06-01 11:00:30', keepFrom: '2024-06-01 10:50:30', keepRows: 1,
  });
  // No lookback: from the mark itself, and nothing to count.
  expect(await window('2024-06-01 11:00:30', undefined)).toMatchObject({ from: '2024-06-01 11:00:30', upTo: '2024-06-01 11:00:30', keepFrom: '2024-06-01 11:00:30' });
  // A mark past every row stays the mark (it never moves back).
  expect(await window('2024-07-01 00:00:00', '0s')).toMatchObject({ from: '2024-07-01 00:00:00', upTo: '2024-07-01 00:00:00' });
  // An integer cursor steps back by a number (BIGINT values are decimal strings).
  expect(await window(900, 100, 'seq')).toMatchObject({ from: 800, upTo: '1000000', keepFrom: '999900', keepRows: 1 });
});

it('refuses a lookback that would hold more rows than the fingerprints keep, naming the count', async () => {
  await expect(window(null, '2h')).rejects.toThrow(new RegExp(`holds ${MAX_FINGERPRINTS + 2} rows, more than the ${MAX_FINGERPRINTS}`));
  await expect(window(null, 5, 'updated_at')).rejects.toThrow(/duration such as "10m"/);
});
