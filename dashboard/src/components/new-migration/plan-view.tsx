/** The dry-run plan: what the destination gets (DDL or API requests) and how the copy is cut into chunks. */
import { AlertTriangleIcon } from 'lucide-react';
import type { Plan } from '@/api/types';
import { Badge } from '@/components/ui/badge';
import { formatRows } from '@/lib/format';

export function PlanView({ plan }: { plan: Plan }) {
  const d = plan.destination;
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_20rem]" data-testid="plan">
      <div className="min-w-0 space-y-2">
        <h3 className="flex items-center gap-2 text-sm font-medium">
          Destination <span className="font-mono text-xs">{d.target}</span>
          <Badge variant={d.status === 'exists, mismatch' ? 'destructive' : d.status === 'create' ? 'info' : 'secondary'}>{d.status}</Badge>
        </h3>
        <pre className="bg-muted max-h-80 overflow-auto rounded-md p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap">
          {d.ddl.length > 0 ? d.ddl.join(';\n\n') + ';' : '-- the table exists and fits: nothing to create'}
        </pre>
        {d.mismatches.length > 0 && (
          <ul className="text-destructive space-y-1 text-xs">
            {d.mismatches.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        )}
      </div>
      <div className="space-y-3">
        <h3 className="text-sm font-medium">Chunk plan</h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
          <dt className="text-muted-foreground">Rows</dt>
          <dd className="tabular-nums">
            {plan.rows_estimate === null ? 'unknown' : `${plan.rows_from === 'count' ? '' : '≈ '}${formatRows(plan.rows_estimate)}`}
            <span className="text-muted-foreground text-xs"> ({plan.rows_from === 'count' ? 'counted' : 'estimate'})</span>
          </dd>
          <dt className="text-muted-foreground">Chunks</dt>
          <dd className="tabular-nums">
            {plan.chunks.count} of up to {formatRows(plan.chunks.chunk_rows)} rows
          </dd>
          <dt className="text-muted-foreground">At once</dt>
          <dd className="tabular-nums">{plan.chunks.parallelism}</dd>
          <dt className="text-muted-foreground">Key</dt>
          <dd className="font-mono text-xs">{plan.source.key.join(', ') || '—'}</dd>
          <dt className="text-muted-foreground">Copy path</dt>
          <dd>{plan.copy_path}</dd>
          {plan.incremental && (
            <>
              <dt className="text-muted-foreground">Window</dt>
              <dd className="font-mono text-xs">
                {plan.incremental.cursor_column}: {String(plan.incremental.from ?? '−∞')} … {String(plan.incremental.up_to ?? '—')}
              </dd>
            </>
          )}
        </dl>
        {plan.chunks.note && <p className="text-muted-foreground text-xs">{plan.chunks.note}</p>}
        {plan.warnings.length > 0 && (
          <ul className="space-y-1.5 text-xs">
            {plan.warnings.map((w, i) => (
              <li key={i} className="flex gap-1.5">
                <AlertTriangleIcon className="text-warning mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
                {w}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
