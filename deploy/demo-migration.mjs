// The demo's one migration (docker-compose.yml, `demo` profile): starts the README's example through
// the API — sales_data in the demo MariaDB (the SingleStore stand-in) into the Hydrolix emulator —
// prints its progress until it ends, and exits 0 only when it completed and verified.
const api = (process.env.API_URL || 'http://api:3000').replace(/\/$/, '');
const token = (process.env.API_TOKENS || '').split(',')[0].trim();
const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body) {
  const res = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const started = await call('POST', '/api/migrations', {
  name: 'Demo: sales_data to Hydrolix',
  source_type: 'SINGLESTORE',
  source_config: { table: process.env.DEMO_SOURCE_TABLE || 'sales_data' },
  destination_type: 'HYDROLIX',
  destination_config: { table: process.env.DEMO_DESTINATION_TABLE || 'sales_history' },
});
console.log(`started ${started.id}: follow it at ${api}/api/migrations/${started.id} or in the Temporal Web UI`);

for (;;) {
  const m = await call('GET', `/api/migrations/${started.id}`);
  const phase = m.phase && m.phase !== m.status ? ` ${m.phase}` : '';
  console.log(`${m.status}${phase}: ${m.rows_copied ?? 0}/${m.rows_total ?? '?'} rows (${m.progress ?? 0}%)`);
  if (m.status === 'completed') {
    console.log(`verification: ${JSON.stringify(m.verification)}`);
    process.exit(m.verification?.ok === false ? 1 : 0);
  }
  if (m.status === 'failed' || m.status === 'cancelled') {
    console.error(`${m.status}: ${m.error ?? ''}`);
    process.exit(1);
  }
  await sleep(2000);
}
