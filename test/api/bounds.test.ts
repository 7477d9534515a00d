/**
 * Bounds (README, "Bounds"): each is refused with a field error, so the API answers 400 naming it.
 */
import { describe, expect, it } from 'vitest';
import '../../connectors';
import { checkMigrationRequest } from '../../api/migration-input';
import { validateBackfill, validateCreateSchedule } from '../../api/schedule-schemas';
import { maxConcurrentCopies } from '../../worker/config';

const good = {
  name: 'sales',
  source_type: 'SINGLESTORE',
  source_config: { table: 'sales' },
  destination_type: 'POSTGRES',
  destination_config: { table: 'sales' },
};

const paths = (r: { ok: boolean; errors?: { path: string }[] }) => (r.ok ? [] : r.errors!.map((e) => e.path));

describe('migration bounds', () => {
  it.each([
    ['options.parallelism', { options: { parallelism: 17 } }],
    ['options.batch_rows', { options: { batch_rows: 200_001 } }],
    ['options.chunk_rows', { options: { chunk_rows: 5_000_001 } }],
    ['options.chunk_rows', { options: { chunk_rows: 99 } }],
    ['source_config.query', { source_config: { query: `SELECT 1 ${' '.repeat(100_000)}` } }],
    ['transform_query', { transform_query: `SELECT * FROM source ${' '.repeat(100_000)}` }],
    ['name', { name: 'n'.repeat(201) }],
    ['options.lookback', { options: { mode: 'incremental', cursor_column: 'id', lookback: '367d' } }],
    ['destination_config.table', { destination_config: { table: 't'.repeat(64) } }],
    ['destination_config.schema', { destination_config: { table: 't', schema: 's'.repeat(64) } }],
  ])('%s', (path, extra) => {
    expect(paths(checkMigrationRequest({ ...good, ...extra }))).toEqual([path]);
  });

  it('accepts the limits themselves', () => {
    const body = { ...good, destination_config: { table: 't'.repeat(63), overwrite_existing: true }, options: { parallelism: 16, batch_rows: 200_000 } };
    expect(checkMigrationRequest(body).ok).toBe(true);
    // Only PostgreSQL truncates at 63 bytes.
    expect(checkMigrationRequest({ ...good, destination_type: 'HYDROLIX', destination_config: { table: 't'.repeat(64) } }).ok).toBe(true);
  });
});

describe('schedule bounds', () => {
  const schedule = (spec: unknown) => validateCreateSchedule({ name: 's', spec, migration: good });
  it('runs at most once a minute', () => {
    expect(paths(schedule({ interval: '1s' }))).toEqual(['spec.interval']);
    expect(paths(schedule({ interval: { every: '59s' } }))).toEqual(['spec.interval.every']);
    expect(paths(schedule({ calendars: [{ second: [0, 30] }] }))).toEqual(['spec.calendars.0.second']);
    expect(paths(schedule({ calendars: [{ second: { start: 0, end: 59 } }] }))).toEqual(['spec.calendars.0.second']);
    expect(schedule({ interval: '1m' }).ok).toBe(true);
    expect(schedule({ calendars: [{ second: 30, minute: '*' }] }).ok).toBe(true);
  });

  it('backfills at most 366 days', () => {
    expect(paths(validateBackfill({ start: '2024-01-01T00:00:00Z', end: '2025-01-02T00:00:01Z' }))).toEqual(['end']);
    expect(validateBackfill({ start: '2024-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' }).ok).toBe(true);
  });
});

describe('worker bounds', () => {
  it('WORKER_MAX_CONCURRENT_COPIES is 1..64, default 8', () => {
    expect(maxConcurrentCopies({})).toBe(8);
    expect(maxConcurrentCopies({ WORKER_MAX_CONCURRENT_COPIES: '3' })).toBe(3);
    expect(() => maxConcurrentCopies({ WORKER_MAX_CONCURRENT_COPIES: '65' })).toThrow(/WORKER_MAX_CONCURRENT_COPIES/);
    expect(() => maxConcurrentCopies({ WORKER_MAX_CONCURRENT_COPIES: 'lots' })).toThrow(/1 to 64/);
  });
});
