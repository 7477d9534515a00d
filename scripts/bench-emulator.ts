/**
 * The Hydrolix emulator on its own: ingest throughput for N rows of the seed's sales_data shape,
 * posted as gzip NDJSON the way scripts/bench.ts's plain poster does (8 MiB bodies, one at a time),
 * then the first query (which loads the rows into the query engine) and a second one, with the
 * process's RSS. `npx tsx scripts/bench-emulator.ts [rows]` (default 1,000,000).
 */
import { gzipSync } from 'node:zlib';
import { startHydrolixEmulator } from '../test/hydrolix-emulator';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const USER = { username: 'bench@example.com', password: 'bench-pass' };
const mib = (b: number) => (b / 1048576).toFixed(0);

async function main() {
  // Bodies are built before the emulator starts (an idle keep-alive socket would be closed meanwhile):
  // what is timed is the emulator.
  const bodies: Buffer[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const base = Date.UTC(2024, 0, 1);
  for (let id = 1; id <= ROWS; id++) {
    const date = new Date(base + id * 1000).toISOString().replace('T', ' ').replace('Z', '000');
    const attrs = id % 5 === 0 ? 'null' : JSON.stringify(JSON.stringify({ region: ['eu', 'us', 'apac'][id % 3], priority: id % 3 }));
    const line = `{"id":${id},"date":"${date}","quantity":${id % 100},"product":"product-${id % 1000}","amount":"${(id % 10000) / 100}","notes":${id % 7 === 0 ? 'null' : `"note ${id}"`},"attrs":${attrs}}`;
    lines.push(line);
    bytes += line.length;
    if (bytes >= 8 * 1024 * 1024 || id === ROWS) {
      bodies.push(gzipSync(lines.join('\n')));
      lines = [];
      bytes = 0;
    }
  }
  const emu = await startHydrolixEmulator({ port: 0, users: [USER] });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(emu.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' || body instanceof Buffer ? body : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  const login = JSON.parse(await call('/config/v1/login', USER));
  const auth = { authorization: `Bearer ${login.auth_token.access_token}` };
  const org = login.orgs[0].uuid;
  const p = JSON.parse(await call(`/config/v1/orgs/${org}/projects/`, { name: 'bench' }, auth));
  const t = JSON.parse(await call(`/config/v1/orgs/${org}/projects/${p.uuid}/tables/`, { name: 'sales', settings: { stream: { cold_data_max_age_days: 3650 } } }, auth));
  const d = (type: string, extra = {}) => ({ type, ...extra });
  await call(`/config/v1/orgs/${org}/projects/${p.uuid}/tables/${t.uuid}/transforms/`, {
    name: 'tr', type: 'json',
    settings: { is_default: true, output_columns: [
      { name: 'id', datatype: d('uint64') },
      { name: 'date', datatype: d('datetime', { primary: true, format: '2006-01-02 15:04:05.999999', resolution: 'ms' }) },
      { name: 'quantity', datatype: d('int32') },
      { name: 'product', datatype: d('string') },
      { name: 'amount', datatype: d('string') },
      { name: 'notes', datatype: d('string') },
      { name: 'attrs', datatype: d('string') },
    ] },
  }, auth);

  const rssStart = process.memoryUsage.rss();
  peak = rssStart;
  const headers = { ...auth, 'content-encoding': 'gzip', 'x-hdx-table': 'bench.sales' };
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const t0 = performance.now();
  const c0 = cpu();
  for (const b of bodies) await call('/ingest/event', b, headers);
  const ingestS = (performance.now() - t0) / 1000;
  const ingestCpu = cpu() - c0;
  const rssIngest = process.memoryUsage.rss();
  const q = async (sql: string) => {
    const s = performance.now();
    const c = cpu();
    const out = await call('/query', sql, auth);
    return { s: (performance.now() - s) / 1000, cpu: cpu() - c, out: out.trim().slice(0, 80) };
  };
  const first = await q('SELECT count(), max(tuple(date, id)) FROM bench.sales');
  const second = await q('SELECT count(), max(tuple(date, id)) FROM bench.sales');
  clearInterval(sampler);
  const rssEnd = process.memoryUsage.rss();
  console.log(`${ROWS} rows in ${bodies.length} gzip NDJSON bodies`);
  // CPU seconds of this process (emulator, engine threads and the poster) are steadier than wall time on a busy host.
  console.log(`ingest: ${ingestS.toFixed(2)} s, ${Math.round(ROWS / ingestS)} rows/s, CPU ${ingestCpu.toFixed(2)} s`);
  console.log(`first query (loads the rows into the engine): ${first.s.toFixed(2)} s, CPU ${first.cpu.toFixed(2)} s → ${first.out}`);
  console.log(`second query: ${second.s.toFixed(3)} s, CPU ${second.cpu.toFixed(3)} s`);
  const m = process.memoryUsage();
  // File-backed pages (mostly chdb's 560 MB library) count in RSS but are the kernel's to drop.
  const status = await import('node:fs').then((fs) => fs.readFileSync('/proc/self/status', 'utf8')).catch(() => '');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  console.log(`RSS MiB: before ingest ${mib(rssStart)}, after ingest ${mib(rssIngest)}, after queries ${mib(rssEnd)}, peak ${mib(peak)} (now: anonymous ${mib(kb('RssAnon'))}, file-backed ${mib(kb('RssFile'))}, JS heap ${mib(m.heapTotal)})`);
  await emu.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
