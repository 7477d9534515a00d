/**
 * `tsx scripts/profile-copy.ts [table]`: where a chunk's time goes, without Temporal. For MariaDB →
 * PostgreSQL it times reading alone and the copyChunk pipeline (read-ahead + write, LANES key ranges
 * at once), on the row path (values decoded in the worker) and on the text path (lines formatted by
 * the server; PATHS=text picks one), printing wall time and the CPU of this process, MariaDB and PostgreSQL for each.
 */
import '../connectors';
import { readAhead } from '../activities/read-ahead';
import { cpuMeter, formatCpu } from './lib/cpu';
import { createDestination, createSource } from '../connectors/registry';
import type { KeyRange, SourceConnector, DestinationConnector, TableSchema } from '../connectors/types';

type Path = 'rows' | 'text';

async function run(label: string, fn: () => Promise<number>): Promise<void> {
  const cpu = cpuMeter({ worker: process.pid, MariaDB: 'mariadbd', PostgreSQL: 'postgres' });
  const sampler = setInterval(cpu.sample, 100);
  const t0 = Date.now();
  const n = await fn();
  const s = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  console.log(`${label.padEnd(34)} ${n} rows in ${s.toFixed(2)} s = ${Math.round(n / s)} rows/s; ${formatCpu(cpu.used())}`);
}

/** The destination table: one per source table, so tables of different shapes never meet. */
const destOf = (table: string) => `profile_${table}`;

async function lane(path: Path, src: SourceConnector, dst: DestinationConnector | null, schema: TableSchema, table: string, range: KeyRange, batchRows: number): Promise<number> {
  const spec = { table };
  const out = { table: destOf(table), options: { write_mode: 'append' } };
  let n = 0;
  if (path === 'text') {
    for await (const b of readAhead(src.readText!(spec, schema, range, { batchRows }))) {
      if (dst) await dst.writeText!(out, schema, b);
      b.release?.();
      n += b.rows;
    }
  } else {
    for await (const b of readAhead(src.readData(spec, schema, range, { batchRows }))) {
      if (dst) await dst.writeData(out, schema, b);
      n += b.length;
    }
  }
  return n;
}

async function main() {
  const table = process.argv[2] ?? 'sales_data';
  const env = {
    SINGLESTORE_URL: process.env.SINGLESTORE_URL ?? 'mysql://root@127.0.0.1:3306/es_bench',
    POSTGRES_URL: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/es_bench',
  };
  const batchRows = Number(process.env.BATCH ?? 5_000);
  const lanes = Number(process.env.LANES ?? 2);
  const src = createSource('SINGLESTORE', env);
  const dst = createDestination('POSTGRES', env);
  const schema = await src.getSchema({ table });
  const rows = await src.countRows({ table }, schema);
  const bounds = lanes > 1 ? await src.planBoundaries({ table }, schema, Math.ceil(rows / lanes), rows) : [];
  const ranges = Array.from({ length: bounds.length + 1 }, (_, i) => ({ after: i === 0 ? null : bounds[i - 1], upTo: i < bounds.length ? bounds[i] : null }));
  const all = (path: Path, to: DestinationConnector | null) => async () =>
    (await Promise.all(ranges.map((r) => lane(path, src, to, schema, table, r, batchRows)))).reduce((a, b) => a + b, 0);
  for (const path of (process.env.PATHS ?? 'rows,text').split(',') as Path[]) {
    await run(`${path} path, read only, ${lanes} lane(s)`, all(path, null));
    await dst.createTable({ table: destOf(table), options: { write_mode: 'replace' } }, schema);
    await run(`${path} path, read + COPY, ${lanes} lane(s)`, all(path, dst));
  }
  console.log(`rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  await src.disconnect();
  await dst.disconnect();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
