/** Backfill: run a schedule for every time it would have fired in a past range. */
import * as React from 'react';
import { api, unwrap } from '@/api/client';
import type { Schedule } from '@/api/types';
import { Field } from '@/components/field';
import { InlineError } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { useAction } from '@/lib/use-query';

/** `datetime-local` values are local time without a zone; the API wants ISO 8601 with one. */
const toIso = (local: string) => new Date(local).toISOString();
const localValue = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function BackfillDialog({ schedule, onOpenChange, onDone }: { schedule: Schedule | null; onOpenChange: (o: boolean) => void; onDone: () => void }) {
  const [start, setStart] = React.useState(() => localValue(new Date(Date.now() - 86_400_000)));
  const [end, setEnd] = React.useState(() => localValue(new Date()));
  const run = useAction(async () => {
    if (!schedule) return;
    unwrap(await api.POST('/api/schedules/{id}/backfill', { params: { path: { id: schedule.id } }, body: { start: toIso(start), end: toIso(end) } }));
    onDone();
    onOpenChange(false);
  });
  return (
    <Dialog open={schedule !== null} onOpenChange={onOpenChange}>
      <DialogContent>
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            void run.run();
          }}
        >
          <DialogHeader>
            <DialogTitle>Backfill {schedule?.name}</DialogTitle>
            <DialogDescription>Starts one run for every time the schedule would have fired in this range, one after another.</DialogDescription>
          </DialogHeader>
          <div className="grid grid-cols-2 gap-4">
            <Field id="backfill-start" label="From">
              <Input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required />
            </Field>
            <Field id="backfill-end" label="To">
              <Input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} required />
            </Field>
          </div>
          <InlineError error={run.error} />
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Close
            </Button>
            <Button type="submit" disabled={run.pending}>
              Backfill
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
