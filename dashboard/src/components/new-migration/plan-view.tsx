/** The dry-run plan: the DDL the destination gets and how the copy is cut into chunks. */
import { AlertTriangleIcon } from 'lucide-react';
import type { Plan } from '@/api/types';
import { formatRows } from '@/lib/format';

export function PlanView({ plan, parallelism }: { plan: Plan; parallelism: number }) {
  return (
    <div className="grid gap-4 lg:grid-cols-[1fr_18rem]" data-testid="plan">
      <div className="min-w-0 space-y-2">
        <h3 className="text-sm font-medium">Destination DDL</h3>
        <pre className="bg-muted max-h-72 overflow-auto rounded-md p-3 font-mono text-xs leading-relaxed">{plan.ddl || '-- the table exists and fits: nothing to create'}</pre>
      </div>
      <div className="space-y-3">
        <h3 className="text-sm font-medium">Chunk plan</h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
          <dt className="text-muted-foreground">Rows</dt>
          <dd className="tabular-nums">{plan.rows_total === null ? 'unknown' : `≈ ${formatRows(plan.rows_total)}`}</dd>
          <dt className="text-muted-foreground">Chunks</dt>
          <dd className="tabular-nums">{plan.chunks.count}</dd>
          {plan.chunks.rows_each !== undefined && (
            <>
              <dt className="text-muted-foreground">Rows each</dt>
              <dd className="tabular-nums">≈ {formatRows(plan.chunks.rows_each)}</dd>
            </>
          )}
          <dt className="text-muted-foreground">At once</dt>
          <dd className="tabular-nums">{parallelism}</dd>
        </dl>
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
