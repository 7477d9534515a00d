/** Schedules: when each runs next, what it ran lately, and pause / unpause / trigger / backfill / delete. */
import * as React from 'react';
import { ArrowRightIcon, CalendarClockIcon, PauseIcon, PlayIcon, PlusIcon, HistoryIcon, Trash2Icon, ZapIcon } from 'lucide-react';
import { api, unwrap } from '@/api/client';
import { migrationEnds } from '@/api/queries';
import type { Schedule } from '@/api/types';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { BackfillDialog } from '@/components/schedules/backfill-dialog';
import { CreateScheduleDialog } from '@/components/schedules/create-schedule-dialog';
import { StatusBadge } from '@/components/status-badge';
import { EmptyState, ErrorState, InlineError, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { formatRelative, formatTime } from '@/lib/format';
import { Link } from '@/lib/router';
import { specWords } from '@/lib/schedule-words';
import { useAction, useQuery } from '@/lib/use-query';

const POLL_MS = 5000;

export default function SchedulesPage() {
  const list = useQuery(async (signal) => unwrap(await api.GET('/api/schedules', { signal })).schedules, [], { pollMs: POLL_MS });
  const [creating, setCreating] = React.useState(false);
  const templates = useQuery(async (signal) => unwrap(await api.GET('/api/templates', { signal })).templates, [creating], { enabled: creating });
  const [backfilling, setBackfilling] = React.useState<Schedule | null>(null);
  const [deleting, setDeleting] = React.useState<Schedule | null>(null);
  const remove = useAction(async (s: Schedule) => {
    unwrap(await api.DELETE('/api/schedules/{id}', { params: { path: { id: s.id } } }));
    setDeleting(null);
    list.reload();
  });

  return (
    <>
      <PageHeader
        title="Schedules"
        description="Recurring migrations, run by Temporal Schedules."
        actions={
          <Button onClick={() => setCreating(true)}>
            <PlusIcon /> New schedule
          </Button>
        }
      />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <LoadingRows rows={4} label="Loading schedules" />}
      {list.data?.length === 0 && (
        <EmptyState icon={CalendarClockIcon} title="No schedules yet" action={<Button variant="outline" onClick={() => setCreating(true)}>Create a schedule</Button>}>
          Run a saved migration every night, every hour, or on any cron expression.
        </EmptyState>
      )}
      <div className="space-y-4">
        {list.data?.map((s) => (
          <ScheduleCard key={s.id} schedule={s} onChanged={list.reload} onBackfill={() => setBackfilling(s)} onDelete={() => setDeleting(s)} />
        ))}
      </div>
      <CreateScheduleDialog open={creating} onOpenChange={setCreating} templates={templates.data} onCreated={list.reload} />
      <BackfillDialog schedule={backfilling} onOpenChange={(o) => !o && setBackfilling(null)} onDone={list.reload} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'schedule'}?`}
        confirmLabel="Delete schedule"
        onConfirm={() => deleting && void remove.run(deleting)}
        pending={remove.pending}
      >
        No more runs start from it. Migrations it already started keep running.
      </ConfirmDialog>
    </>
  );
}

function ScheduleCard({ schedule: s, onChanged, onBackfill, onDelete }: { schedule: Schedule; onChanged: () => void; onBackfill: () => void; onDelete: () => void }) {
  const [current, setCurrent] = React.useState(s);
  React.useEffect(() => setCurrent(s), [s]);
  const path = { params: { path: { id: s.id } } };
  const toggle = useAction(async () => {
    const next = unwrap(current.paused ? await api.POST('/api/schedules/{id}/unpause', path) : await api.POST('/api/schedules/{id}/pause', path));
    setCurrent(next);
    onChanged();
  });
  const trigger = useAction(async () => {
    unwrap(await api.POST('/api/schedules/{id}/trigger', path));
    onChanged();
  });
  const m = current.migration;
  return (
    <Card aria-label={current.name} role="region" data-schedule-id={current.id}>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          {current.name}
          {current.paused ? <Badge variant="warning">Paused</Badge> : <Badge variant="success">Active</Badge>}
        </CardTitle>
        <CardDescription>
          Runs {specWords(current.spec)} · <span className="font-mono text-xs">{current.id}</span>
        </CardDescription>
        <CardAction className="flex gap-2">
          <Button variant="outline" size="sm" onClick={() => void toggle.run()} disabled={toggle.pending}>
            {current.paused ? <PlayIcon /> : <PauseIcon />} {current.paused ? 'Unpause' : 'Pause'}
          </Button>
          <Button variant="outline" size="sm" onClick={() => void trigger.run()} disabled={trigger.pending}>
            <ZapIcon /> Trigger
          </Button>
          <Button variant="outline" size="sm" onClick={onBackfill}>
            <HistoryIcon /> Backfill
          </Button>
          <Button variant="ghost" size="sm" onClick={onDelete} aria-label={`Delete ${current.name}`}>
            <Trash2Icon />
          </Button>
        </CardAction>
      </CardHeader>
      <CardContent className="grid grid-cols-3 gap-6 text-sm">
        <div className="space-y-2">
          <h3 className="text-muted-foreground text-xs font-medium uppercase">Migration</h3>
          <p className="flex flex-wrap items-center gap-1.5">
            <span className="font-mono text-xs">{migrationEnds(m).source}</span>
            <span className="text-muted-foreground text-xs">({m.source_type})</span>
            <ArrowRightIcon className="size-3" aria-label="to" />
            <span className="font-mono text-xs">{migrationEnds(m).destination}</span>
            <span className="text-muted-foreground text-xs">({m.destination_type})</span>
          </p>
          {m.options?.mode === 'incremental' && <p className="text-muted-foreground text-xs">Incremental on {m.options.cursor_column}</p>}
          {current.note && <p className="text-muted-foreground text-xs">Note: {current.note}</p>}
        </div>
        <div className="space-y-2">
          <h3 className="text-muted-foreground text-xs font-medium uppercase">Next runs</h3>
          {current.paused ? (
            <p className="text-muted-foreground">None while paused.</p>
          ) : current.next_run_times.length === 0 ? (
            <p className="text-muted-foreground">None scheduled.</p>
          ) : (
            <ul className="space-y-1">
              {current.next_run_times.slice(0, 3).map((t) => (
                <li key={t} className="tabular-nums">
                  {formatTime(t)} <span className="text-muted-foreground">({formatRelative(t)})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="space-y-2">
          <h3 className="text-muted-foreground text-xs font-medium uppercase">Recent runs</h3>
          {current.recent_runs.length === 0 ? (
            <p className="text-muted-foreground">No runs yet.</p>
          ) : (
            <ul className="space-y-1.5">
              {current.recent_runs.map((r) => (
                <li key={r.migration_id} className="flex items-center gap-2">
                  <StatusBadge status={r.status} />
                  <Link href={`/migrations/${encodeURIComponent(r.migration_id)}`} className="tabular-nums hover:underline">
                    {formatTime(r.started_at)}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="col-span-3 empty:hidden">
          <InlineError error={toggle.error} />
          <InlineError error={trigger.error} />
        </div>
      </CardContent>
    </Card>
  );
}
