/** One migration: where it is, how fast, what it found, and Cancel / Retry. Refreshed every 2 s while it runs. */
import * as React from 'react';
import { AlertCircleIcon, AlertTriangleIcon, ArrowLeftIcon, ArrowRightIcon, CheckCircle2Icon, ExternalLinkIcon, OctagonXIcon, RotateCcwIcon, XCircleIcon } from 'lucide-react';
import { api, errorMessage, unwrap } from '@/api/client';
import type { Migration } from '@/api/types';
import { ChunkGrid, chunkCells } from '@/components/migration/chunk-grid';
import { PhaseTimeline, stoppedAt } from '@/components/migration/phase-timeline';
import { ThroughputChart, type Sample } from '@/components/migration/throughput-chart';
import { progressColor, StatusBadge } from '@/components/status-badge';
import { ErrorState, InlineError, LoadingRows, PageHeader } from '@/components/states';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { temporalRunUrl } from '@/lib/config';
import { durationBetween, formatRate, formatRows, formatSeconds, formatTimeLong, humanize } from '@/lib/format';
import { Link } from '@/lib/router';
import { useAction, useQuery } from '@/lib/use-query';

const POLL_MS = 2000;
/** A closed run changes only when someone retries it (here, the CLI or the Temporal Web UI). */
const CLOSED_POLL_MS = 10_000;
const MAX_SAMPLES = 300;

export default function MigrationPage({ id }: { id: string }) {
  const [closed, setClosed] = React.useState(false);
  const query = useQuery(async (signal) => unwrap(await api.GET('/api/migrations/{id}', { params: { path: { id } }, signal })), [id], {
    pollMs: closed ? CLOSED_POLL_MS : POLL_MS,
  });
  const m = query.data;
  React.useEffect(() => setClosed(m !== undefined && m.status !== 'running' && m.status !== 'pending'), [m]);
  const history = useHistory(m);

  const cancel = useAction(async () => {
    unwrap(await api.POST('/api/migrations/{id}/cancel', { params: { path: { id } } }));
    query.reload();
  });
  const retry = useAction(async () => {
    unwrap(await api.POST('/api/migrations/{id}/retry', { params: { path: { id } } }));
    history.reset();
    query.reload();
  });

  if (!m) {
    return (
      <>
        <BackLink />
        {query.error !== undefined ? <ErrorState error={query.error} onRetry={query.reload} title="Could not load this migration" /> : <LoadingRows rows={8} label="Loading migration" />}
      </>
    );
  }

  const running = m.status === 'running' || m.status === 'pending';
  const canRetry = m.status === 'failed' || m.status === 'cancelled';
  return (
    <>
      <BackLink />
      <PageHeader
        title={m.name}
        description={
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <StatusBadge status={m.status} />
            <span className="font-mono text-xs">{m.id}</span>
            <span className="inline-flex items-center gap-1">
              {m.source_type} <ArrowRightIcon className="size-3" aria-label="to" /> {m.destination_type}
              {m.target && <span className="font-mono text-xs">({m.target})</span>}
            </span>
            {m.runs > 1 && <span>{m.runs} runs</span>}
            {m.schedule_id && <Badge variant="outline">schedule {m.schedule_id}</Badge>}
          </div>
        }
        actions={
          <>
            <Button variant="outline" asChild>
              <a href={temporalRunUrl(m.id)} target="_blank" rel="noreferrer">
                <ExternalLinkIcon /> Open in Temporal
              </a>
            </Button>
            {running && (
              <Button variant="destructive" onClick={() => void cancel.run()} disabled={cancel.pending}>
                <OctagonXIcon /> Cancel
              </Button>
            )}
            {canRetry && (
              <Button onClick={() => void retry.run()} disabled={retry.pending}>
                <RotateCcwIcon /> Retry
              </Button>
            )}
          </>
        }
      />
      <div className="mb-4 space-y-2">
        <InlineError error={cancel.error} />
        <InlineError error={retry.error} />
        {query.error !== undefined && <p className="text-muted-foreground text-sm">Refresh failed ({errorMessage(query.error)}); showing the last answer.</p>}
      </div>

      {m.error && (
        <Alert variant="destructive" className="mb-6">
          <XCircleIcon />
          <AlertTitle>{m.status === 'cancelled' ? 'Cancelled' : 'The run failed'}</AlertTitle>
          <AlertDescription>
            <p className="break-words">{m.error}</p>
            {canRetry && <p>Retry resumes from the last finished chunk; nothing copied so far is copied again.</p>}
          </AlertDescription>
        </Alert>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Progress</CardTitle>
            <CardDescription>{running ? `${humanize(m.phase)}…` : `${humanize(m.status)} ${formatTimeLong(m.updated_at)}`}</CardDescription>
          </CardHeader>
          <CardContent className="space-y-6">
            <div className="space-y-2">
              <div className="flex items-baseline justify-between">
                <span className="text-3xl font-semibold tabular-nums">{m.progress}%</span>
                <span className="text-muted-foreground text-sm tabular-nums">
                  {formatRows(m.rows_copied)} of {formatRows(m.rows_total)} rows
                </span>
              </div>
              <Progress
                value={m.progress}
                aria-label="Migration progress"
                className="h-3"
                indicatorClassName={progressColor(m.status)}
              />
            </div>
            <dl className="grid grid-cols-4 gap-4">
              <Stat label="Rate" value={formatRate(m.rows_per_second)} />
              <Stat label="ETA" value={m.status === 'running' ? formatSeconds(m.eta_seconds) : m.status === 'completed' ? 'done' : '—'} />
              <Stat label="Chunks" value={`${m.chunks_done} / ${m.chunks_total ?? '—'}`} />
              <Stat label="Duration" value={formatSeconds(durationBetween(m.created_at, running ? null : m.updated_at))} />
            </dl>
            <PhaseTimeline status={m.status} phase={m.phase} lastPhase={history.lastPhase ?? stoppedAt(m)} />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Verification</CardTitle>
            <CardDescription>Rows (and key sums) counted at both ends after the copy.</CardDescription>
          </CardHeader>
          <CardContent>
            <VerificationView m={m} />
          </CardContent>
        </Card>

        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Throughput</CardTitle>
          </CardHeader>
          <CardContent>
            <ThroughputChart samples={history.samples} average={m.rows_per_second} />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted-foreground">Started</dt>
              <dd>{formatTimeLong(m.created_at)}</dd>
              <dt className="text-muted-foreground">{running ? 'Updated' : 'Ended'}</dt>
              <dd>{formatTimeLong(m.updated_at)}</dd>
              <dt className="text-muted-foreground">Phase</dt>
              <dd>{humanize(m.phase)}</dd>
              {m.rows_skipped > 0 && (
                <>
                  <dt className="text-muted-foreground">Skipped</dt>
                  <dd>{formatRows(m.rows_skipped)} rows already delivered</dd>
                </>
              )}
              {m.high_water_mark !== null && (
                <>
                  <dt className="text-muted-foreground">High-water mark</dt>
                  <dd className="font-mono text-xs break-all">{String(m.high_water_mark)}</dd>
                </>
              )}
            </dl>
          </CardContent>
        </Card>

        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Chunks</CardTitle>
            <CardDescription>Key ranges copied in parallel; a finished chunk is never copied again.</CardDescription>
          </CardHeader>
          <CardContent>
            {m.chunks_total ? <ChunkGrid cells={chunkCells(m, 2)} /> : <p className="text-muted-foreground text-sm">The chunk plan appears once the run has planned its key ranges.</p>}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Warnings</CardTitle>
            <CardDescription>Type-fidelity notes from the schema mapping.</CardDescription>
          </CardHeader>
          <CardContent>
            {m.warnings.length === 0 ? (
              <p className="text-muted-foreground text-sm">None.</p>
            ) : (
              <ul className="space-y-2 text-sm">
                {m.warnings.map((w, i) => (
                  <li key={i} className="flex gap-2">
                    <AlertTriangleIcon className="text-warning mt-0.5 size-4 shrink-0" aria-hidden="true" />
                    <span className="break-words">{w}</span>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}

function BackLink() {
  return (
    <Link href="/" className="text-muted-foreground hover:text-foreground mb-4 inline-flex items-center gap-1 text-sm">
      <ArrowLeftIcon className="size-4" /> Migrations
    </Link>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="text-lg font-medium tabular-nums">{value}</dd>
    </div>
  );
}

function VerificationView({ m }: { m: Migration }) {
  const v = m.verification;
  if (!v) {
    return (
      <p className="text-muted-foreground text-sm">
        {m.status === 'running' || m.status === 'pending' ? 'Runs after the copy.' : 'This run did not reach verification.'}
      </p>
    );
  }
  return (
    <div className="space-y-4" data-testid="verification">
      {v.ok ? (
        <Alert variant="success">
          <CheckCircle2Icon />
          <AlertTitle>Verified</AlertTitle>
          <AlertDescription>The destination holds exactly the source's rows.</AlertDescription>
        </Alert>
      ) : (
        <Alert variant="destructive">
          <AlertCircleIcon />
          <AlertTitle>Mismatch</AlertTitle>
          <AlertDescription>The destination's counts differ from the source's.</AlertDescription>
        </Alert>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted-foreground">Source rows</dt>
        <dd className="tabular-nums">{formatRows(v.source_rows)}</dd>
        <dt className="text-muted-foreground">Destination rows</dt>
        <dd className="tabular-nums">{formatRows(v.destination_rows)}</dd>
        {v.source_key_sum !== null && (
          <>
            <dt className="text-muted-foreground">Key sum</dt>
            <dd className="font-mono text-xs break-all">
              {v.source_key_sum} {v.destination_key_sum === v.source_key_sum ? '= destination' : `≠ ${v.destination_key_sum ?? '—'}`}
            </dd>
          </>
        )}
        {v.duplicates !== undefined && (
          <>
            <dt className="text-muted-foreground">Duplicates</dt>
            <dd className="tabular-nums">{formatRows(v.duplicates)}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** Throughput samples and the last running phase, gathered from the polls while the page is open. */
function useHistory(m: Migration | undefined) {
  const [samples, setSamples] = React.useState<Sample[]>([]);
  const last = React.useRef<{ t: number; rows: number } | null>(null);
  const lastPhase = React.useRef<string | undefined>(undefined);
  React.useEffect(() => {
    if (!m) return;
    if (m.status === 'running') lastPhase.current = m.phase;
    if (m.status !== 'running' || m.phase !== 'copying') {
      last.current = null;
      return;
    }
    const now = Date.now();
    const prev = last.current;
    last.current = { t: now, rows: m.rows_copied };
    // The rate between two polls; the first poll has only the run's average to go on.
    const rate = prev && now > prev.t ? ((m.rows_copied - prev.rows) * 1000) / (now - prev.t) : (m.rows_per_second ?? 0);
    setSamples((s) => [...s, { t: now, rowsPerSecond: Math.max(0, rate) }].slice(-MAX_SAMPLES));
  }, [m]);
  return {
    samples,
    lastPhase: lastPhase.current,
    reset: () => {
      setSamples([]);
      last.current = null;
    },
  };
}
