/** Every migration, live: filters, name search, pages of 25, refreshed every 2 s. */
import * as React from 'react';
import { ArrowRightIcon, ChevronLeftIcon, ChevronRightIcon, DatabaseZapIcon, PlusIcon, SearchIcon, XIcon } from 'lucide-react';
import { api, unwrap } from '@/api/client';
import { connectorsFor, loadConnectors } from '@/api/queries';
import { STATUSES, type Migration, type MigrationStatus } from '@/api/types';
import { progressColor, StatusBadge } from '@/components/status-badge';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { NativeSelect, NativeSelectOption } from '@/components/ui/native-select';
import { Progress } from '@/components/ui/progress';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { durationBetween, formatRate, formatRows, formatSeconds, formatTime } from '@/lib/format';
import { Link, navigate, useLocation } from '@/lib/router';
import { useQuery } from '@/lib/use-query';
import { cn } from '@/lib/utils';

const PAGE_SIZE = 25;
export const LIVE_POLL_MS = 2000;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = React.useState(value);
  React.useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function MigrationsPage() {
  const { search } = useLocation();
  const statuses = (search.get('status')?.split(',').filter(Boolean) ?? []) as MigrationStatus[];
  const sourceType = search.get('source_type') ?? '';
  const destinationType = search.get('destination_type') ?? '';
  const [nameInput, setNameInput] = React.useState(search.get('name') ?? '');
  const name = useDebounced(nameInput.trim(), 300);
  // Tokens of the pages before this one: "Previous" pops, "Next" pushes.
  const [tokens, setTokens] = React.useState<(string | undefined)[]>([undefined]);
  const pageToken = tokens[tokens.length - 1];

  const setParam = React.useCallback((key: string, value: string) => {
    const next = new URLSearchParams(location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    const qs = next.toString();
    navigate(qs ? `/?${qs}` : '/', { replace: true });
  }, []);

  React.useEffect(() => {
    if ((search.get('name') ?? '') !== name) setParam('name', name);
  }, [name, search, setParam]);

  const filterKey = [statuses.join(','), sourceType, destinationType, name].join('|');
  React.useEffect(() => setTokens([undefined]), [filterKey]);

  const connectors = useQuery((signal) => loadConnectors(signal), []);
  const list = useQuery(
    async (signal) =>
      unwrap(
        await api.GET('/api/migrations', {
          params: {
            query: {
              page_size: PAGE_SIZE,
              page_token: pageToken,
              status: statuses.length ? statuses.join(',') : undefined,
              source_type: sourceType || undefined,
              destination_type: destinationType || undefined,
              name: name || undefined,
            },
          },
          signal,
        }),
      ),
    [filterKey, pageToken],
    { pollMs: LIVE_POLL_MS },
  );

  const toggleStatus = (s: MigrationStatus) => {
    const next = statuses.includes(s) ? statuses.filter((x) => x !== s) : [...statuses, s];
    setParam('status', next.join(','));
  };
  const filtered = statuses.length > 0 || sourceType || destinationType || name;
  const types = (role: 'source' | 'destination') => connectorsFor(connectors.data, role).map((c) => c.type);

  return (
    <>
      <PageHeader
        title="Migrations"
        description="Every migration, its latest run first. Updates every 2 seconds."
        actions={
          <Button onClick={() => navigate('/migrations/new')}>
            <PlusIcon /> New migration
          </Button>
        }
      />

      <div className="mb-4 flex flex-wrap items-center gap-3">
        <div className="relative w-72">
          <SearchIcon className="text-muted-foreground absolute top-1/2 left-2.5 size-4 -translate-y-1/2" aria-hidden="true" />
          <Input aria-label="Search by name" placeholder="Search by name" className="pl-8" value={nameInput} onChange={(e) => setNameInput(e.target.value)} />
        </div>
        <div role="group" aria-label="Status" className="flex items-center gap-0.5 rounded-md border p-0.5 shadow-xs">
          {STATUSES.map((s) => (
            <Button
              key={s}
              variant="ghost"
              size="sm"
              aria-pressed={statuses.includes(s)}
              onClick={() => toggleStatus(s)}
              className={cn('h-7 capitalize', statuses.includes(s) ? 'bg-secondary text-foreground' : 'text-muted-foreground')}
            >
              {s}
            </Button>
          ))}
        </div>
        <div className="w-44">
          <NativeSelect aria-label="Source type" value={sourceType} onChange={(e) => setParam('source_type', e.target.value)}>
            <NativeSelectOption value="">Any source</NativeSelectOption>
            {types('source').map((t) => (
              <NativeSelectOption key={t} value={t}>
                {t}
              </NativeSelectOption>
            ))}
          </NativeSelect>
        </div>
        <div className="w-44">
          <NativeSelect aria-label="Destination type" value={destinationType} onChange={(e) => setParam('destination_type', e.target.value)}>
            <NativeSelectOption value="">Any destination</NativeSelectOption>
            {types('destination').map((t) => (
              <NativeSelectOption key={t} value={t}>
                {t}
              </NativeSelectOption>
            ))}
          </NativeSelect>
        </div>
        {filtered && (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              setNameInput('');
              navigate('/', { replace: true });
            }}
          >
            <XIcon /> Clear filters
          </Button>
        )}
      </div>

      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <LoadingRows rows={6} label="Loading migrations" />}
      {list.data && list.data.migrations.length === 0 && (
        <EmptyState
          icon={DatabaseZapIcon}
          title={filtered ? 'No migrations match these filters' : 'No migrations yet'}
          action={
            !filtered && (
              <Button asChild variant="outline">
                <Link href="/migrations/new">
                  <PlusIcon /> Create your first migration
                </Link>
              </Button>
            )
          }
        >
          {filtered ? 'Change or clear the filters to see more.' : 'Copy a table from a source to a destination; progress shows up here as it runs.'}
        </EmptyState>
      )}
      {list.data && list.data.migrations.length > 0 && (
        <Card className="py-0">
          <MigrationTable migrations={list.data.migrations} />
        </Card>
      )}

      {list.data && (tokens.length > 1 || list.data.next_page_token) && (
        <div className="mt-4 flex items-center justify-end gap-2">
          <span className="text-muted-foreground mr-2 text-sm">Page {tokens.length}</span>
          <Button variant="outline" size="sm" disabled={tokens.length <= 1} onClick={() => setTokens((t) => t.slice(0, -1))}>
            <ChevronLeftIcon /> Previous
          </Button>
          <Button
            variant="outline"
            size="sm"
            disabled={!list.data.next_page_token}
            onClick={() => list.data?.next_page_token && setTokens((t) => [...t, list.data!.next_page_token ?? undefined])}
          >
            Next <ChevronRightIcon />
          </Button>
        </div>
      )}
    </>
  );
}

function MigrationTable({ migrations }: { migrations: Migration[] }) {
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="pl-4">Name</TableHead>
          <TableHead>Source → destination</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="w-48">Progress</TableHead>
          <TableHead className="text-right">Rows</TableHead>
          <TableHead className="text-right">Rate</TableHead>
          <TableHead className="text-right">ETA</TableHead>
          <TableHead>Started</TableHead>
          <TableHead className="pr-4 text-right">Duration</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {migrations.map((m) => {
          const live = m.status === 'running' || m.status === 'pending';
          return (
            <TableRow key={m.id} data-migration-id={m.id}>
              <TableCell className="max-w-64 pl-4">
                <Link href={`/migrations/${encodeURIComponent(m.id)}`} className="block truncate font-medium hover:underline">
                  {m.name}
                </Link>
                <div className="text-muted-foreground truncate font-mono text-xs">{m.id}</div>
              </TableCell>
              <TableCell>
                <span className="inline-flex items-center gap-1.5 text-xs font-medium">
                  {m.source_type}
                  <ArrowRightIcon className="text-muted-foreground size-3" aria-label="to" />
                  {m.destination_type}
                </span>
              </TableCell>
              <TableCell>
                <StatusBadge status={m.status} />
                {live && m.phase !== m.status && <div className="text-muted-foreground mt-1 text-xs">{m.phase.replace(/_/g, ' ')}</div>}
              </TableCell>
              <TableCell>
                <div className="flex items-center gap-2">
                  <Progress
                    value={m.progress}
                    aria-label={`Progress of ${m.name}`}
                    indicatorClassName={progressColor(m.status)}
                  />
                  <span className="w-9 text-right text-xs tabular-nums">{m.progress}%</span>
                </div>
              </TableCell>
              <TableCell className="text-right tabular-nums">
                {formatRows(m.rows_copied)}
                <span className="text-muted-foreground"> / {formatRows(m.rows_total)}</span>
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatRate(m.rows_per_second)}</TableCell>
              <TableCell className="text-right tabular-nums">{m.status === 'running' ? formatSeconds(m.eta_seconds) : '—'}</TableCell>
              <TableCell className="text-muted-foreground">{formatTime(m.created_at)}</TableCell>
              <TableCell className="pr-4 text-right tabular-nums">{formatSeconds(durationBetween(m.created_at, live ? null : m.updated_at))}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

