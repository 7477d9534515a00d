/** One cell per chunk of the plan: pending, copying or done, with its rows on hover. */
import type { Migration } from '@/api/types';
import { formatRows } from '@/lib/format';
import { cn } from '@/lib/utils';

export interface ChunkCell {
  index: number;
  status: 'pending' | 'copying' | 'done';
  rows: number | null;
}

/**
 * The API's per-chunk list when it sends one (plans of up to 100 chunks); otherwise cells from the
 * counts alone (done chunks first, then the ones the run copies at once), rows estimated from the total.
 */
export function chunkCells(m: Migration, parallelism: number): ChunkCell[] {
  if (m.chunks) return m.chunks.map((c) => ({ index: c.index, status: c.status, rows: c.rows }));
  const total = m.chunks_total ?? 0;
  const each = m.rows_total !== null && total > 0 ? Math.round(m.rows_total / total) : null;
  const copying = m.status === 'running' && m.phase === 'copying' ? Math.min(parallelism, total - m.chunks_done) : 0;
  return Array.from({ length: total }, (_, i) => ({
    index: i,
    status: i < m.chunks_done ? 'done' : i < m.chunks_done + copying ? 'copying' : 'pending',
    rows: each,
  }));
}

const MAX_CELLS = 400;

export function ChunkGrid({ cells }: { cells: ChunkCell[] }) {
  const shown = cells.slice(0, MAX_CELLS);
  const count = (s: ChunkCell['status']) => cells.filter((c) => c.status === s).length;
  return (
    <div className="space-y-3">
      <div className="text-muted-foreground flex gap-4 text-xs">
        <Legend className="bg-success" label={`done ${count('done')}`} />
        <Legend className="bg-info animate-pulse" label={`copying ${count('copying')}`} />
        <Legend className="bg-muted border" label={`pending ${count('pending')}`} />
      </div>
      <ul aria-label="Chunks" className="grid grid-cols-[repeat(auto-fill,minmax(1.75rem,1fr))] gap-1">
        {shown.map((c) => (
          <li
            key={c.index}
            data-state={c.status}
            title={`Chunk ${c.index + 1}: ${c.status}${c.rows !== null ? `, ${formatRows(c.rows)} rows` : ''}`}
            aria-label={`Chunk ${c.index + 1}: ${c.status}`}
            className={cn(
              'h-7 rounded-sm',
              c.status === 'done' && 'bg-success/80',
              c.status === 'copying' && 'bg-info/80 animate-pulse',
              c.status === 'pending' && 'bg-muted border',
            )}
          />
        ))}
      </ul>
      {cells.length > MAX_CELLS && <p className="text-muted-foreground text-xs">First {MAX_CELLS} of {cells.length} chunks shown.</p>}
    </div>
  );
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <span className="flex items-center gap-1.5">
      <span className={cn('size-2.5 rounded-sm', className)} aria-hidden="true" />
      {label}
    </span>
  );
}
