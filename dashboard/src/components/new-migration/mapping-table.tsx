/**
 * The schema-mapping step: every source column with the destination name and type it will get
 * (from the dry-run plan; from the catalog until the plan answers), its lossy-conversion warnings,
 * and rename / cast / skip controls.
 */
import { AlertTriangleIcon, KeyRoundIcon } from 'lucide-react';
import type { ColumnRule, ColumnRules, Plan, SourceColumn } from '@/api/types';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { NativeSelect, NativeSelectOption } from '@/components/ui/native-select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { cn } from '@/lib/utils';

export interface MappingRow {
  source: string;
  sourceType: string;
  key: boolean;
  destinationType: string | null;
  warnings: string[];
}

/** Rows from the plan when there is one, else from the catalog's columns. */
export function mappingRows(plan: Plan | undefined, columns: SourceColumn[] | undefined): MappingRow[] {
  if (plan) {
    return plan.columns.map((c) => ({ source: c.source_name, sourceType: c.source_type, key: c.key, destinationType: c.destination_type, warnings: c.warnings }));
  }
  return (columns ?? []).map((c) => ({ source: c.name, sourceType: c.source_type, key: c.key, destinationType: c.destination_type, warnings: c.warnings }));
}

export function MappingTable({
  rows,
  rules,
  casts,
  onChange,
  stale,
}: {
  rows: MappingRow[];
  rules: ColumnRules;
  /** The casts the destination offers (from GET /api/connectors). */
  casts: readonly string[];
  onChange: (rules: ColumnRules) => void;
  stale: boolean;
}) {
  const set = (col: string, patch: Partial<ColumnRule>) => onChange({ ...rules, [col]: { ...rules[col], ...patch } });
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
                <div className="flex items-center gap-1.5 font-mono text-sm">
                  {r.source}
                  {r.key && <KeyRoundIcon className="text-muted-foreground size-3" aria-label="key column" />}
                </div>
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
              <TableCell className={cn('max-w-64 font-mono text-xs break-words whitespace-normal', stale && 'text-muted-foreground')}>{skipped ? '—' : (r.destinationType ?? '…')}</TableCell>
              <TableCell className="w-44">
                <NativeSelect
                  aria-label={`Cast for ${r.source}`}
                  value={rule.cast ?? ''}
                  disabled={skipped || casts.length === 0}
                  onChange={(e) => set(r.source, { cast: e.target.value || undefined })}
                  className="h-8 text-xs"
                >
                  <NativeSelectOption value="">default</NativeSelectOption>
                  {rule.cast && !casts.includes(rule.cast) && <NativeSelectOption value={rule.cast}>{rule.cast}</NativeSelectOption>}
                  {casts.map((c) => (
                    <NativeSelectOption key={c} value={c}>
                      {c}
                    </NativeSelectOption>
                  ))}
                </NativeSelect>
              </TableCell>
              <TableCell className="text-center">
                <Checkbox aria-label={`Skip ${r.source}`} checked={skipped} disabled={r.key} onCheckedChange={(v) => set(r.source, { skip: v === true || undefined })} />
              </TableCell>
              <TableCell className="max-w-80 min-w-56 whitespace-normal">
                {!skipped && r.warnings.length > 0 && (
                  <ul className="space-y-1">
                    {r.warnings.map((w, i) => (
                      <li key={i} className="flex gap-1.5 text-xs">
                        <AlertTriangleIcon className="text-warning mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
                        <span>{w}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
