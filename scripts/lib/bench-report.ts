/** The bench's one table: per shape, medians, ratios against their targets, RSS, CPU, phases and copy path. */
import type { Phases } from './bench-phases';

export interface ShapeResult {
  shape: string;
  describe: string;
  rows: number;
  /** Seconds of each successful run, in run order. */
  pipe: number[];
  pgloader: number[];
  es: number[];
  /** Worker CPU seconds of each Epic Shelter → PostgreSQL run. */
  esWorkerCpu: number[];
  /** Phases of each Epic Shelter → PostgreSQL run, from its history. */
  esPhases: Phases[];
  /** Highest worker RSS sampled during this shape's Epic Shelter → PostgreSQL runs. */
  peakRssMiB?: number;
  /** `packed`, or `decoded: <why>`. */
  path?: string;
  /** Epic Shelter → Hydrolix emulator: rows, seconds and worker CPU of each run. */
  hydrolix?: { rows: number; seconds: number[]; workerCpu: number[]; peakRssMiB: number; path?: string; verifySeconds: number[] };
  /** Failed or wrong runs (a wrong row count is a failure, however fast). */
  failures: string[];
}

export interface Targets {
  vsPgloader: number;
  vsPipe: number;
  rssMiB: number;
}

/** The targets: sales_data (TINYINT(1) included) has the tighter ones. */
export function targetsFor(shape: string): Targets {
  return shape === 'sales' ? { vsPgloader: 0.4, vsPipe: 0.85, rssMiB: 256 } : { vsPgloader: 0.5, vsPipe: 1.0, rssMiB: 256 };
}

export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const secs = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

function ratio(a: number | undefined, b: number | undefined, target: number): string {
  if (a === undefined || b === undefined) return '–';
  const r = a / b;
  return `${r.toFixed(2)} (≤ ${target.toFixed(2)} ${mark(r <= target)})`;
}

/** Worker CPU seconds per million rows: the median run's CPU, scaled. */
function cpuPerM(cpu: number[], rows: number): string {
  const m = median(cpu);
  return m === undefined || rows === 0 ? '–' : ((m * 1e6) / rows).toFixed(2);
}

/** Median of one phase over a shape's runs ('–' when no run recorded it). */
function phase(r: ShapeResult, pick: (p: Phases) => number | undefined): string {
  return secs(median(r.esPhases.map(pick).filter((x): x is number => x !== undefined)));
}

export function formatShapeTable(results: ShapeResult[]): string {
  const head =
    '| shape | rows | pipe s | pgloader s | Epic Shelter → PG s | ES / pgloader | ES / pipe | ES planning s | ES copy s | ES key build + tally s | worker peak RSS MiB → PG / → Hydrolix | worker CPU s per M rows → PG / → Hydrolix | copy path |\n' +
    '|---|---:|---:|---:|---:|---|---|---:|---:|---:|---|---|---|';
  const lines = results.map((r) => {
    const t = targetsFor(r.shape);
    const [pipe, loader, es] = [median(r.pipe), median(r.pgloader), median(r.es)];
    const rssOf = (x: number | undefined) => (x === undefined ? '–' : `${x} (< ${t.rssMiB} ${mark(x < t.rssMiB)})`);
    const rss = `${rssOf(r.peakRssMiB)} / ${rssOf(r.hydrolix?.peakRssMiB || undefined)}`;
    const hx = r.hydrolix ? cpuPerM(r.hydrolix.workerCpu, r.hydrolix.rows) : '–';
    const phases = `${phase(r, (p) => p.plan)} | ${phase(r, (p) => p.copy)} | ${phase(r, (p) => p.finish)}`;
    return `| ${r.shape} | ${r.rows.toLocaleString('en-US')} | ${secs(pipe)} | ${secs(loader)} | ${secs(es)} | ${ratio(es, loader, t.vsPgloader)} | ${ratio(es, pipe, t.vsPipe)} | ${phases} | ${rss} | ${cpuPerM(r.esWorkerCpu, r.rows)} / ${hx} | ${r.path ?? '–'} |`;
  });
  return [head, ...lines].join('\n');
}

/**
 * What each contender does about the primary key, printed under the table: all three end with the
 * same key, built at different times.
 */
export const KEY_LEGEND =
  'primary key: the pipe declares it in CREATE TABLE (each row goes into the index as COPY inserts it); pgloader and Epic Shelter ' +
  'load without it and build it after the data (Epic Shelter: CREATE UNIQUE INDEX + ADD PRIMARY KEY USING INDEX, counted in "key build + tally")';

/** Every run's time, so the spread behind each median is on record. */
export function formatRuns(results: ShapeResult[]): string {
  const list = (xs: number[]) => (xs.length ? xs.map((x) => x.toFixed(2)).join(', ') : 'none');
  return results
    .map((r) => {
      const parts = [`pipe ${list(r.pipe)}`, `pgloader ${list(r.pgloader)}`, `Epic Shelter ${list(r.es)}`];
      if (r.hydrolix) parts.push(`→ Hydrolix emulator ${list(r.hydrolix.seconds)} (${r.hydrolix.rows.toLocaleString('en-US')} rows, worker peak RSS ${r.hydrolix.peakRssMiB} MiB, ${r.hydrolix.path ?? 'path unknown'})`);
      return `  ${r.shape}: ${parts.join('; ')}`;
    })
    .join('\n');
}
