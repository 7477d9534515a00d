/** Templates: saved migrations to run again, edit or delete. */
import * as React from 'react';
import { ArrowRightIcon, FileStackIcon, PencilIcon, PlayIcon, PlusIcon, Trash2Icon } from 'lucide-react';
import { api, unwrap } from '@/api/client';
import { migrationEnds } from '@/api/queries';
import type { Template } from '@/api/types';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState, ErrorState, InlineError, LoadingRows, PageHeader } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatTime } from '@/lib/format';
import { Link, navigate } from '@/lib/router';
import { useAction, useQuery } from '@/lib/use-query';

export default function TemplatesPage() {
  const list = useQuery(async (signal) => unwrap(await api.GET('/api/templates', { signal })).templates, []);
  const [deleting, setDeleting] = React.useState<Template | null>(null);
  const run = useAction(async (t: Template) => {
    const m = unwrap(await api.POST('/api/templates/{id}/run', { params: { path: { id: t.id } } }));
    navigate(`/migrations/${encodeURIComponent(m.id)}`);
  });
  const remove = useAction(async (t: Template) => {
    unwrap(await api.DELETE('/api/templates/{id}', { params: { path: { id: t.id } } }));
    setDeleting(null);
    list.reload();
  });

  return (
    <>
      <PageHeader
        title="Templates"
        description="Saved migrations: run one again with a click, or schedule it."
        actions={
          <Button asChild variant="outline">
            <Link href="/migrations/new">
              <PlusIcon /> New migration
            </Link>
          </Button>
        }
      />
      <div className="mb-4">
        <InlineError error={run.error} />
      </div>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <LoadingRows rows={4} label="Loading templates" />}
      {list.data?.length === 0 && (
        <EmptyState icon={FileStackIcon} title="No templates yet">
          Fill in a new migration and choose “Save as template”.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Card className="py-0">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead className="pl-4">Template</TableHead>
                <TableHead>Copies</TableHead>
                <TableHead>Updated</TableHead>
                <TableHead className="pr-4 text-right">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.map((t) => {
                const m = t.migration;
                return (
                  <TableRow key={t.id} data-template-id={t.id}>
                    <TableCell className="max-w-80 pl-4 whitespace-normal">
                      <div className="font-medium">{t.name}</div>
                      {t.description && <div className="text-muted-foreground text-xs">{t.description}</div>}
                    </TableCell>
                    <TableCell>
                      <span className="inline-flex items-center gap-1.5 text-xs">
                        <span className="font-mono">{migrationEnds(m).source}</span>
                        <span className="text-muted-foreground">{m.source_type}</span>
                        <ArrowRightIcon className="size-3" aria-label="to" />
                        <span className="font-mono">{migrationEnds(m).destination}</span>
                        <span className="text-muted-foreground">{m.destination_type}</span>
                      </span>
                    </TableCell>
                    <TableCell className="text-muted-foreground">{formatTime(t.updated_at)}</TableCell>
                    <TableCell className="pr-4 text-right">
                      <div className="inline-flex gap-2">
                        <Button size="sm" onClick={() => void run.run(t)} disabled={run.pending} aria-label={`Run ${t.name}`}>
                          <PlayIcon /> Run
                        </Button>
                        <Button size="sm" variant="outline" asChild>
                          <Link href={`/templates/${encodeURIComponent(t.id)}/edit`} aria-label={`Edit ${t.name}`}>
                            <PencilIcon /> Edit
                          </Link>
                        </Button>
                        <Button size="sm" variant="ghost" onClick={() => setDeleting(t)} aria-label={`Delete ${t.name}`}>
                          <Trash2Icon />
                        </Button>
                      </div>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'template'}?`}
        confirmLabel="Delete template"
        onConfirm={() => deleting && void remove.run(deleting)}
        pending={remove.pending}
      >
        Migrations started from it keep running; schedules that copied its migration are not changed.
      </ConfirmDialog>
    </>
  );
}
