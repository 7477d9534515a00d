/**
 * `npm run chaos`: the fault matrix at scale. Runs every fault scenario (test/chaos/scenarios.ts)
 * one after another on one seeded `sales_data`-shaped table and prints
 *   fault | result | rows at destination | duplicates | rows re-sent | seconds
 * Exits non-zero if any migration did not complete, any row was lost, or more rows were duplicated than the
 * README promises for Hydrolix (one batch per fault).
 *
 * Options (all optional): --rows N (default 300000, at least 200000 unless --small),
 * --chunk-rows N (default 10000), --batch-rows N (default 2000), --outage-ms N (default 30000),
 * --only key[,key] (worker-kill, temporal-restart, source-outage, destination-errors, two-workers,
 * worker-sigterm, lost-answer, lost-then-kill),
 * --ingest-delay-ms, --temporal-down-ms, --destination-fault-ms, --small (allow fewer rows).
 * Needs MariaDB on 127.0.0.1:3306 (TEST_MARIADB_URL) and the Temporal CLI (see scripts/ensure-temporal.ts).
 */
import { buildRuntime } from './build';
import { seedSales } from './seed-sales';
import { ensureTemporalCli } from './lib/temporal-cli';
import { MARIADB_URL, mariadb, uniqueName } from '../test/support/mariadb';
import { EXTRA_SCENARIOS, SCENARIOS, type ScenarioOptions, type ScenarioResult } from '../test/chaos/scenarios';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function num(name: string, dflt: number): number {
  const raw = arg(name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

export function formatTable(results: ScenarioResult[]): string {
  const head = ['fault', 'result', 'rows at destination', 'duplicates', 'rows re-sent', 'seconds'];
  const rows = results.map((r) => [r.fault, r.result, String(r.rowsAtDestination), String(r.duplicates), String(r.rowsResent), String(r.seconds)]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Why a result fails the run (lost/duplicated rows, not completed, too much re-sent); empty when it passes. */
export function problems(r: ScenarioResult): string[] {
  const out: string[] = [];
  if (r.result !== 'completed') out.push(`did not complete (${r.result})`);
  if (r.missing > 0) out.push(`${r.missing} source rows missing at the destination`);
  // The README's promise for Hydrolix: at most one batch duplicated per fault (0 expected: lost answers are settled).
  if (r.duplicates > r.faults * r.batchRows) out.push(`${r.duplicates} duplicate rows, more than one batch (${r.batchRows}) per fault (${r.faults})`);
  if (r.rowsAtDestination - r.duplicates !== r.sourceRows) out.push(`${r.rowsAtDestination - r.duplicates} distinct rows at the destination, source has ${r.sourceRows}`);
  if (r.rowsResent > r.faults * r.chunkRows) out.push(`${r.rowsResent} rows re-sent, more than one chunk (${r.chunkRows}) per fault (${r.faults})`);
  return out;
}

async function main() {
  await buildRuntime(); // workers run the compiled dist/
  const small = process.argv.includes('--small');
  const rows = num('rows', 300_000);
  if (rows < 200_000 && !small) throw new Error('--rows must be at least 200000 (add --small for a quick try)');
  const only = arg('only')?.split(',');
  const all = [...SCENARIOS, ...EXTRA_SCENARIOS];
  const scenarios = only ? all.filter((s) => only.includes(s.key)) : [...SCENARIOS];
  if (!scenarios.length) throw new Error(`--only matches none of ${all.map((s) => s.key).join(', ')}`);
  ensureTemporalCli();

  const table = uniqueName('es_chaos_src');
  const t0 = Date.now();
  console.log(`seeding ${rows} rows into ${table} ...`);
  await seedSales(MARIADB_URL, rows, table);
  console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const opts: ScenarioOptions = {
    rows,
    chunkRows: num('chunk-rows', 10_000),
    batchRows: num('batch-rows', 2_000),
    ingestDelayMs: num('ingest-delay-ms', 100),
    outageMs: num('outage-ms', 30_000),
    temporalDownMs: num('temporal-down-ms', 5_000),
    destinationFaultMs: num('destination-fault-ms', 15_000),
    sourceTable: table,
    finishTimeoutMs: 900_000,
  };
  const results: ScenarioResult[] = [];
  try {
    for (const s of scenarios) {
      console.log(`\n=== ${s.key} ===`);
      const r = await s.run(opts);
      results.push(r);
      console.log(`=== ${s.key}: ${r.result} in ${r.seconds} s`);
    }
  } finally {
    const db = await mariadb();
    await db.query(`DROP TABLE IF EXISTS \`${table}\``);
    await db.end();
  }

  console.log(`\nfault matrix: ${rows} rows, chunk_rows ${opts.chunkRows}, batch_rows ${opts.batchRows}, source outage ${opts.outageMs} ms, total ${Math.round((Date.now() - t0) / 1000)} s\n`);
  console.log(formatTable(results));
  let failed = false;
  for (const r of results) {
    const p = problems(r);
    if (p.length) {
      failed = true;
      console.log(`\nFAIL ${r.fault}: ${p.join('; ')}`);
    }
    console.log(`\n${r.fault}:\n  ${r.notes.join('\n  ')}`);
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(2);
  });
}
