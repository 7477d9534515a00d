/**
 * When written rows become queryable. Hydrolix acknowledges an ingest request once its stream head
 * has it, then buffers rows into partitions, one open "hot" and several "cold" ones per table (doc
 * §2/§4): a partition is written out, and its rows become visible to queries, when it has been open
 * `*_max_open_seconds` or idle `*_max_idle_seconds` (or is full), plus the time to upload and index
 * it. Until then a query undercounts, so everything that asks "what landed?" (a resumed chunk, a write
 * whose answer was lost, verification) waits for this long after the write first.
 */

/** Partition timers on tables Epic Shelter creates: a bulk copy gains nothing from long-open partitions, and every wait below shrinks with them. */
export const PARTITION_SETTINGS = {
  hot_data_max_open_seconds: 15,
  hot_data_max_idle_seconds: 5,
  cold_data_max_open_seconds: 15,
  cold_data_max_idle_seconds: 5,
} as const;

type TimerKey = keyof typeof PARTITION_SETTINGS;

/** Hydrolix's defaults for a table that does not set them (the emulator's defaultTableSettings). */
export const DEFAULT_PARTITION_SECONDS: Record<TimerKey, number> = {
  hot_data_max_open_seconds: 60,
  hot_data_max_idle_seconds: 30,
  cold_data_max_open_seconds: 300,
  cold_data_max_idle_seconds: 60,
};

/** Upload and indexing after a partition closes. UNCONFIRMED (no documented figure): a margin. */
export const INDEXING_MARGIN_MS = 15_000;

/**
 * The longest a row can stay invisible on a table with these settings: a row's partition closes at
 * most `max_open_seconds` after it opened (idle closing only comes sooner); the larger of the open and
 * idle timers of both temperatures is taken, since rows may be hot or cold and a table may set idle >
 * open; plus the indexing margin.
 */
export function visibilityWaitMs(settings: Record<string, unknown> | undefined): number {
  const stream = (settings?.stream ?? {}) as Record<string, unknown>;
  let seconds = 0;
  for (const key of Object.keys(DEFAULT_PARTITION_SECONDS) as TimerKey[]) {
    const v = stream[key];
    seconds = Math.max(seconds, typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_PARTITION_SECONDS[key]);
  }
  return seconds * 1000 + INDEXING_MARGIN_MS;
}
