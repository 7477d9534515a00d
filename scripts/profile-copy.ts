/**
 * `tsx scripts/profile-copy.ts [table] [rows]`: where a chunk's time goes, without Temporal:
 * source read alone, read + destination write, for MariaDB → PostgreSQL. Prints rows/s per stage.
 */
import '../connectors';
import { createDestination, createSource } from '../connectors/registry';
import type { Row } from '../connectors/types';
import { readAhead } from '../activities/read-ahead';

async function main() {
  const table = process.argv[2] ?? 'sales_data';
  const env = {
    SINGLESTORE_URL: process.env.SINGLESTORE_URL ?? 'mysql://root@127.0.0.1:3306/es_bench',
    POSTGRES_URL: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/es_bench',
  };
  const batchRows = Number(process.env.BATCH ?? 10_000);
  const src = createSource('SINGLESTORE', env);
  const dst = createDestination('POSTGRES', env);
  await src.connect();
  await dst.connect();
  const spec = { table };
  const schema = await src.getSchema(spec);
  const all = { after: null, upTo: null };

  let t = Date.now();
  let n = 0;
  for await (const b of src.readData(spec, schema, all, { batchRows })) n += b.length;
  const readS = (Date.now() - t) / 1000;
  console.log(`source read only:      ${n} rows in ${readS.toFixed(2)} s = ${Math.round(n / readS)} rows/s`);

  const dspec = { table: 'profile_sales', options: { write_mode: 'replace' } };
  await dst.createTable(dspec, schema);
  const batches: Row[][] = [];
  for await (const b of src.readData(spec, schema, { after: null, upTo: null }, { batchRows })) {
    batches.push(b);
    if (batches.length * batchRows >= 200_000) break;
  }
  const m = batches.reduce((a, b) => a + b.length, 0);
  t = Date.now();
  for (const b of batches) await dst.writeData({ table: 'profile_sales', options: { write_mode: 'append' } }, schema, b);
  const writeS = (Date.now() - t) / 1000;
  console.log(`destination write only: ${m} rows in ${writeS.toFixed(2)} s = ${Math.round(m / writeS)} rows/s`);
  console.log(`rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  batches.length = 0;

  // The copyChunk pipeline (read-ahead + write) over the whole table, `lanes` key ranges at once.
  const lanes = Number(process.env.LANES ?? 1);
  const bounds = lanes > 1 ? await src.planBoundaries(spec, schema, Math.ceil(n / lanes)) : [];
  const ranges = Array.from({ length: bounds.length + 1 }, (_, i) => ({ after: i === 0 ? null : bounds[i - 1], upTo: i < bounds.length ? bounds[i] : null }));
  await dst.createTable({ table: 'profile_sales', options: { write_mode: 'replace' } }, schema);
  t = Date.now();
  let copied = 0;
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  await Promise.all(
    ranges.map(async (range) => {
      for await (const b of readAhead(src.readData(spec, schema, range, { batchRows }))) {
        await dst.writeData({ table: 'profile_sales', options: { write_mode: 'append' } }, schema, b);
        copied += b.length;
      }
    }),
  );
  clearInterval(timer);
  const pipeS = (Date.now() - t) / 1000;
  console.log(`pipeline, ${ranges.length} lane(s): ${copied} rows in ${pipeS.toFixed(2)} s = ${Math.round(copied / pipeS)} rows/s, peak rss ${Math.round(peak / 2 ** 20)} MiB`);
  await src.disconnect();
  await dst.disconnect();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
