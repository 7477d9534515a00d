/** The dry-run plan (POST /api/migrations/plan) as text: source, DDL, column mapping, chunk plan, warnings. */
import type { z } from 'zod';
import type { migrationPlanSchema } from '../api/routes/plan';
import { count, table } from './format';

export type MigrationPlanView = z.infer<typeof migrationPlanSchema>;

const key = (k: Array<string | number> | null) => (k === null ? '…' : k.length === 1 ? String(k[0]) : `(${k.join(', ')})`);
const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

export function planText(p: MigrationPlanView): string {
  const out: string[] = [];
  const source = p.source.table ?? 'a query';
  out.push(`Source:       ${p.source.type} ${source}${p.source.query && p.source.table ? ' (query)' : ''} on ${p.source.server}; key ${p.source.key.join(', ') || 'none'}`);
  out.push(`Destination:  ${p.destination.type} ${p.destination.target} on ${p.destination.server}: ${p.destination.status}`);
  for (const m of p.destination.mismatches) out.push(`  mismatch: ${m}`);
  out.push(`Rows:         ${p.rows_estimate === null ? 'unknown' : `about ${count(p.rows_estimate)}`} (${p.rows_from === 'count' ? 'counted' : 'source statistics'})`);
  const c = p.chunks;
  out.push(`Chunks:       ${c.count} of up to ${count(c.chunk_rows)} rows, ${c.parallelism} at once; copy path ${p.copy_path}${c.note ? ` (${c.note})` : ''}`);
  if (c.ranges) for (const [i, r] of c.ranges.slice(0, 10).entries()) out.push(`  ${String(i + 1).padStart(3)}  key in (${key(r.after)}, ${key(r.up_to)}]`);
  if (c.ranges && c.ranges.length > 10) out.push(`       … ${c.ranges.length - 10} more`);
  if (p.incremental) out.push(`Incremental:  ${p.incremental.cursor_column} from ${p.incremental.from ?? 'the start'} up to ${p.incremental.up_to ?? '-'}`);
  out.push('', 'Columns:');
  out.push(
    indent(
      table(
        ['SOURCE', 'TYPE', 'DESTINATION', 'TYPE', 'NOTES'],
        p.columns.map((col) => [
          `${col.source_name}${col.key ? ' (key)' : ''}`,
          col.source_type,
          col.skipped ? '(skipped)' : (col.destination_name ?? ''),
          col.destination_type ?? '',
          [col.cast ? `cast to ${col.cast}` : '', ...col.warnings].filter(Boolean).join('; '),
        ]),
        120,
      ),
    ),
  );
  const fits = p.destination.status === 'exists, compatible';
  out.push('', p.destination.ddl.length > 0 ? 'DDL:' : `DDL:          none${fits ? ' (the table exists and fits)' : ''}`);
  for (const statement of p.destination.ddl) out.push(indent(`${statement}${statement.startsWith('--') ? '' : ';'}`));
  if (p.warnings.length > 0) out.push('', 'Warnings:', ...p.warnings.map((w) => `  - ${w}`));
  return out.join('\n');
}
