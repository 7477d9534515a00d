/**
 * The schema-mapping step: every source column with the destination name and type it will get
 * (from the dry-run plan), its lossy-conversion warning, and rename / cast / skip controls.
 */
import { AlertTriangleIcon } from 'lucide-react';
import type { ColumnRules, Plan, SourceColumn } from '@/api/types';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { NativeSelect, NativeSelectOption } from '@/components/ui/native-select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { cn } from '@/lib/utils';

export type PlanColumn = Plan['columns'][number];

export interface MappingRow {
  source: string;
  sourceType: string;
  destinationType: string | null;
  warning: string | null;
  casts: readonly string[];
}

/** Rows from the plan when there is one, else from the catalog's columns (types unknown until planned). */
export function mappingRows(plan: Plan | undefined, columns: SourceColumn[] | undefined, casts: readonly string[]): MappingRow[] {
  if (plan) {
    return plan.columns.map((c) => ({
      source: c.source,
      sourceType: c.source_type,
      destinationType: c.destination_type,
      warning: c.warning,
      casts: c.casts ?? casts,
    }));
  }
  return (columns ?? []).map((c) => ({ source: c.name, sourceType: c.type, destinationType: null, warning: null, casts }));
}

export function MappingTable({ rows, rules, onChange, stale }: { rows: MappingRow[]; rules: ColumnRules; onChange: (rules: ColumnRules) => void; stale: boolean }) {
  const set = (col: string, patch: Partial<ColumnRules[string]>) => {
    const next = { ...rules, [col]: { ...rules[col], ...patch } };
    onChange(next);
  };
  return (
    <Table aria-label="Column mapping">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="pl-0">Source column</TableHead>
          <TableHead>Destination name</TableHead>
          <TableHead>Destination type</TableHead>
          <TableHead>Cast</TableHead>
          <TableHead className="text-center">Skip</TableHead>
          <TableHead>Notes</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => {
          const rule = rules[r.source] ?? {};
          const skipped = Boolean(rule.skip);
          return (
            <TableRow key={r.source} data-column={r.source} className={cn(skipped && 'opacity-50')}>
              <TableCell className="pl-0">
                <div className="font-mono text-sm">{r.source}</div>
                <div className="text-muted-foreground font-mono text-xs">{r.sourceType}</div>
              </TableCell>
              <TableCell className="w-56">
                <Input
                  aria-label={`New name for ${r.source}`}
                  placeholder={r.source}
                  value={rule.name ?? ''}
                  disabled={skipped}
                  onChange={(e) => set(r.source, { name: e.target.value || undefined })}
                  className="h-8 font-mono text-xs"
                />
              </TableCell>
              <TableCell className={cn('font-mono text-xs', stale && 'text-muted-foreground')}>{skipped ? '—' : (r.destinationType ?? '…')}</TableCell>
              <TableCell className="w-44">
                <NativeSelect
                  aria-label={`Cast for ${r.source}`}
                  value={rule.cast ?? ''}
                  disabled={skipped || r.casts.length === 0}
                  onChange={(e) => set(r.source, { cast: e.target.value || undefined })}
                  className="h-8 text-xs"
                >
                  <NativeSelectOption value="">default</NativeSelectOption>
                  {r.casts.map((c) => (
                    <NativeSelectOption key={c} value={c}>
                      {c}
                    </NativeSelectOption>
                  ))}
                </NativeSelect>
              </TableCell>
              <TableCell className="text-center">
                <Checkbox aria-label={`Skip ${r.source}`} checked={skipped} onCheckedChange={(v) => set(r.source, { skip: v === true || undefined })} />
              </TableCell>
              <TableCell className="max-w-72 whitespace-normal">
                {r.warning && !skipped && (
                  <span className="flex gap-1.5 text-xs">
                    <AlertTriangleIcon className="text-warning mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
                    <span>{r.warning}</span>
                  </span>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
