/**
 * The plain script the bench measures Epic Shelter → Hydrolix against: the sales shape's rows
 * read with mysql2's row stream, written as NDJSON, gzip'd and posted in ~8 MB requests straight
 * to the ingest endpoint: what a user might write by hand.
 */
import { gzipSync } from 'node:zlib';
import mysqlCallback from 'mysql2';

export interface HydrolixLogin {
  username: string;
  password: string;
}

/** Posts every row of `table` (sales shape) to `project.dest` and returns the rows sent. */
export async function plainSalesPoster(url: string, user: HydrolixLogin, mysqlUrl: string, table: string, project: string, dest: string): Promise<number> {
  const login = (await (
    await fetch(`${url}/config/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) })
  ).json()) as { auth_token: { access_token: string } };
  const headers = {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'x-hdx-table': `${project}.${dest}`,
    'x-hdx-transform': 'epic_shelter',
    authorization: `Bearer ${login.auth_token.access_token}`,
  };
  const db = mysqlCallback.createConnection({ uri: mysqlUrl, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const stream = db.query(`SELECT id, date, quantity, product, amount, notes, attrs, is_gift FROM \`${table}\``).stream({ highWaterMark: 10_000 });
  let lines: string[] = [];
  let bytes = 0;
  let rows = 0;
  const post = async () => {
    const body = gzipSync(lines.join('\n'));
    lines = [];
    bytes = 0;
    const res = await fetch(`${url}/ingest/event`, { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`plain ingest: ${res.status} ${await res.text()}`);
  };
  const str = (v: unknown) => (v === null ? 'null' : JSON.stringify(String(v)));
  try {
    for await (const r of stream as AsyncIterable<Record<string, unknown>>) {
      const line = `{"id":${r.id},"date":${str(r.date)},"quantity":${r.quantity},"product":${str(r.product)},"amount":${str(r.amount)},"notes":${str(r.notes)},"attrs":${str(r.attrs)},"is_gift":${r.is_gift}}`;
      lines.push(line);
      bytes += line.length;
      rows++;
      if (bytes >= 8 * 1024 * 1024) await post();
    }
    if (lines.length) await post();
  } finally {
    db.end();
  }
  return rows;
}
