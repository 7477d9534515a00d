import { PermanentError, type Row, type TableSchema } from '../types';
import type { HydrolixAuth } from './auth';
import { describeKey } from './guard';

/** The transform as the cluster stores it (what ingest will apply). */
export interface TransformDoc {
  name: string;
  type: string;
  settings: Record<string, unknown>;
}

/**
 * Rows to check: the first `n`, plus, for every column, the first row holding a value there (so
 * each column is tried with a real value when the batch has one).
 */
export function sampleIndexes(rows: Row[], columns: number, n: number): number[] {
  const picked = new Set<number>();
  for (let i = 0; i < Math.min(n, rows.length); i++) picked.add(i);
  for (let c = 0; c < columns; c++) {
    if ([...picked].some((i) => rows[i][c] !== null)) continue;
    const i = rows.findIndex((r) => r[c] !== null);
    if (i >= 0) picked.add(i);
  }
  return [...picked].sort((a, b) => a - b);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Parse failures the validator reports: `{code != 200}`, `errors`/`rejects` entries, or fewer output rows than sent. */
function failures(body: Record<string, unknown>, sent: number): { index?: number; reason: string }[] {
  const listed = [...asList(body.errors), ...asList(body.rejects)].map((e) => {
    const o = (e && typeof e === 'object' ? e : { reason: String(e) }) as Record<string, unknown>;
    const index = typeof o.row === 'number' ? o.row : typeof o.index === 'number' ? o.index : undefined;
    return { index, reason: String(o.reason ?? o.message ?? o.error ?? JSON.stringify(o)) };
  });
  if (listed.length) return listed;
  const code = typeof body.code === 'number' ? body.code : 200;
  if (code !== 200) return [{ reason: String(body.message ?? body.error ?? body.detail ?? `code ${code}`) }];
  const output = [body.output, body.data, body.rows, body.result].find(Array.isArray);
  if (output && output.length < sent) return [{ reason: `the validator parsed ${output.length} of ${sent} rows` }];
  return [];
}

/**
 * Checks the transform and a sample of real rows with Hydrolix's validator (doc §2: `POST /validator`,
 * `x-hdx-test: true`) before the first batch is sent. Ingest accepts rows that fail to parse with a
 * 200 and drops them into reject files (doc §4), so a value the transform cannot read would show up
 * only as missing rows at verification. The validator's answer beyond `{"code":200,...}` is
 * UNCONFIRMED: only an explicit failure fails the run; a cluster without the endpoint skips the check.
 */
export async function validateSample(
  auth: HydrolixAuth,
  target: string,
  transform: TransformDoc,
  schema: TableSchema,
  names: string[],
  rows: Row[],
  lines: string[],
  sample: number,
): Promise<'valid' | 'unavailable'> {
  const picked = sampleIndexes(rows, schema.columns.length, sample);
  if (!picked.length) return 'valid';
  const doc = { name: transform.name, type: transform.type, settings: transform.settings };
  const res = await auth.send({
    method: 'POST',
    path: '/validator',
    what: `validate rows for ${target}`,
    headers: { 'content-type': 'application/json', 'x-hdx-test': 'true' },
    // Lines are spliced in as text: int64 values must reach the validator exactly as ingest gets them.
    body: `{"transform":${JSON.stringify(doc)},"data":[${picked.map((i) => lines[i]).join(',')}]}`,
  });
  let body: Record<string, unknown> | null = null;
  try {
    const j = JSON.parse(res.text) as unknown;
    if (j && typeof j === 'object' && !Array.isArray(j)) body = j as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  const found = body ? failures(body, picked.length) : [];
  const namesColumn = (reason: string) => names.findIndex((n) => new RegExp(`(^|[^a-z0-9_])${n}([^a-z0-9_]|$)`).test(reason));
  // Only a verdict on a row or a column of ours fails the run: anything else (no endpoint, a request shape this
  // cluster's validator does not take) says nothing about the rows, and the check is skipped.
  const verdict = found.find((f) => namesColumn(f.reason) >= 0) ?? found.find((f) => f.index !== undefined);
  if (!verdict) return found.length || res.status < 200 || res.status > 299 ? 'unavailable' : 'valid';
  const first = verdict;
  const col = namesColumn(first.reason);
  const column = col >= 0 ? `column ${schema.columns[col].name} (${schema.columns[col].sourceType})` : 'a column';
  const where = first.index !== undefined && picked[first.index] !== undefined ? ` in ${describeKey(schema, rows[picked[first.index]])}` : '';
  throw new PermanentError(
    `Hydrolix cannot parse ${column}${where}: ${auth.redact(first.reason).slice(0, 500)}. ` +
      `Ingest would accept such rows with HTTP 200 and drop them into reject files, so nothing was sent to ${target}`,
  );
}
