/** The steps of a run, in order, with where it is now (or where it stopped). */
import { CheckIcon, XIcon } from 'lucide-react';
import type { Migration, MigrationStatus } from '@/api/types';
import { humanize } from '@/lib/format';
import { cn } from '@/lib/utils';

export const PHASES = ['connecting', 'reading_schema', 'planning', 'creating_table', 'copying', 'finishing', 'verifying'] as const;

type StepState = 'done' | 'current' | 'failed' | 'todo';

/**
 * `phase` is the run's current step while it runs; a closed run reports how it ended, so the
 * last step seen running (`lastPhase`) tells where a failed or cancelled run stopped.
 */
export function stepStates(status: MigrationStatus, phase: string, lastPhase: string | undefined): StepState[] {
  if (status === 'completed') return PHASES.map(() => 'done');
  const at = PHASES.indexOf((PHASES as readonly string[]).includes(phase) ? (phase as (typeof PHASES)[number]) : (lastPhase as (typeof PHASES)[number]));
  return PHASES.map((_, i) => {
    if (at < 0) return 'todo';
    if (i < at) return 'done';
    if (i > at) return 'todo';
    if (status === 'failed' || status === 'cancelled') return 'failed';
    return 'current';
  });
}

/** Where a closed run stopped, from what it got done, when this page never saw it running. */
export function stoppedAt(m: Pick<Migration, 'verification' | 'rows_copied' | 'chunks_done' | 'chunks_total' | 'target'>): string | undefined {
  if (m.verification) return 'verifying';
  if (m.rows_copied > 0 || m.chunks_done > 0) return 'copying';
  if (m.chunks_total !== null) return 'creating_table';
  if (m.target !== null) return 'planning';
  return undefined;
}

export function PhaseTimeline({ status, phase, lastPhase }: { status: MigrationStatus; phase: string; lastPhase?: string }) {
  const states = stepStates(status, phase, lastPhase);
  return (
    <ol aria-label="Phases" className="flex items-start">
      {PHASES.map((p, i) => {
        const s = states[i];
        return (
          <li key={p} className="flex flex-1 flex-col items-center gap-2 text-center" aria-current={s === 'current' ? 'step' : undefined} data-state={s}>
            <div className="flex w-full items-center">
              <div className={cn('h-px flex-1', i === 0 ? 'bg-transparent' : s === 'todo' ? 'bg-border' : 'bg-primary/60')} />
              <div
                className={cn(
                  'flex size-7 shrink-0 items-center justify-center rounded-full border text-xs font-semibold',
                  s === 'done' && 'bg-primary text-primary-foreground border-primary',
                  s === 'current' && 'border-info text-info ring-info/25 ring-4',
                  s === 'failed' && 'bg-destructive border-destructive text-white',
                  s === 'todo' && 'text-muted-foreground',
                )}
              >
                {s === 'done' ? <CheckIcon className="size-4" /> : s === 'failed' ? <XIcon className="size-4" /> : i + 1}
              </div>
              <div className={cn('h-px flex-1', i === PHASES.length - 1 ? 'bg-transparent' : states[i + 1] === 'todo' ? 'bg-border' : 'bg-primary/60')} />
            </div>
            <span className={cn('text-xs', s === 'todo' ? 'text-muted-foreground' : 'font-medium')}>
              {humanize(p)}
              <span className="sr-only"> ({s === 'todo' ? 'not started' : s === 'current' ? 'in progress' : s === 'failed' ? 'stopped here' : 'done'})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
