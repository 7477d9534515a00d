/** The dry-run plan (POST /api/migrations/plan) as text: DDL, column mapping, chunk plan. */

type Json = Record<string, any>;

const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

export function printPlan(answer: unknown): string {
  const p = (answer ?? {}) as Json;
  const out: string[] = [];
  const ddl = Array.isArray(p.ddl) ? p.ddl.join(';\n') : p.ddl;
  if (ddl) out.push('Destination DDL:', indent(String(ddl)), '');
  const columns = asList(p.columns ?? p.mapping);
  if (columns.length > 0) {
    out.push('Column mapping:');
    const rows = columns.map((c) => [
      String(c.source ?? c.source_column ?? c.name ?? ''),
      String(c.source_type ?? ''),
      '→',
      c.skip ? '(skipped)' : String(c.destination ?? c.destination_column ?? c.name ?? ''),
      String(c.destination_type ?? ''),
      [...asList(c.warnings).map(String), ...(c.warning ? [String(c.warning)] : [])].join('; '),
    ]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) out.push(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`);
    out.push('');
  }
  const chunks = p.chunk_plan ?? p.chunks;
  if (chunks) {
    out.push('Chunk plan:');
    if (Array.isArray(chunks)) {
      out.push(`  ${chunks.length} chunks`);
      for (const c of chunks.slice(0, 20)) out.push(`  ${JSON.stringify(c)}`);
      if (chunks.length > 20) out.push(`  … ${chunks.length - 20} more`);
    } else {
      for (const [k, v] of Object.entries(chunks as Json)) out.push(`  ${k}: ${Array.isArray(v) ? `${v.length} entries` : JSON.stringify(v)}`);
    }
    out.push('');
  }
  const estimate = p.row_estimate ?? p.rows_estimate ?? p.estimated_rows;
  if (estimate !== undefined) out.push(`Row estimate: ${estimate}`);
  for (const w of asList(p.warnings)) out.push(`warning: ${typeof w === 'string' ? w : JSON.stringify(w)}`);
  return out.length > 0 ? out.join('\n').trimEnd() : JSON.stringify(p, null, 2);
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
