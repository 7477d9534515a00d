/**
 * New migration (and template editing): source and table from the catalog, or a query; the
 * destination; the schema mapping from the dry-run plan with rename / cast / skip per column; an
 * optional transform; full or incremental; parallelism. Then "Preview plan", "Start migration" or
 * "Save as template".
 */
import * as React from 'react';
import { ArrowLeftIcon, CheckIcon, FileStackIcon, LoaderCircleIcon, PlayIcon, ScanSearchIcon } from 'lucide-react';
import { ApiError, api, errorMessage, unwrap } from '@/api/client';
import { connectorsFor, loadConnectors } from '@/api/queries';
import type { Connector, Plan, SourceTables, Template } from '@/api/types';
import { Field } from '@/components/field';
import { MappingTable, mappingRows } from '@/components/new-migration/mapping-table';
import { PlanView } from '@/components/new-migration/plan-view';
import { SaveTemplateDialog } from '@/components/new-migration/save-template-dialog';
import { destinationFields } from '@/components/new-migration/destination-fields';
import { bodyFromForm, EMPTY_FORM, FIELD_INPUTS, type FormState, formFromBody, readyToPlan } from '@/components/new-migration/form-state';
import { ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect, NativeSelectOption } from '@/components/ui/native-select';
import { RadioGroup, RadioGroupItem } from '@/components/ui/radio-group';
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { Textarea } from '@/components/ui/textarea';
import { formatCompact } from '@/lib/format';
import { Link, navigate } from '@/lib/router';
import { type QueryState, useAction, useQuery } from '@/lib/use-query';

const PLAN_DEBOUNCE_MS = 700;

export default function NewMigrationPage({ templateId }: { templateId?: string }) {
  const template = useQuery(
    async (signal) => (templateId ? unwrap(await api.GET('/api/templates/{id}', { params: { path: { id: templateId } }, signal })) : undefined),
    [templateId],
    { enabled: Boolean(templateId) },
  );
  if (templateId && !template.data) {
    return template.error !== undefined ? <ErrorState error={template.error} onRetry={template.reload} title="Could not load the template" /> : <LoadingRows rows={8} />;
  }
  return <MigrationForm template={template.data} />;
}

function MigrationForm({ template }: { template?: Template }) {
  const [form, setForm] = React.useState<FormState>(() => (template ? formFromBody(template.migration) : EMPTY_FORM));
  const set = React.useCallback(<K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value })), []);
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const [savedTemplate, setSavedTemplate] = React.useState<Template | undefined>();
  const [templateOpen, setTemplateOpen] = React.useState(false);
  const body = React.useMemo(() => bodyFromForm(form), [form]);
  // The plan does not depend on the name: typing one asks for no new plan.
  const planKey = React.useMemo(() => JSON.stringify({ ...body, name: 'plan preview' }), [body]);

  const connectors = useQuery((signal) => loadConnectors(signal), []);
  const sources = connectorsFor(connectors.data, 'source');
  const destinations = connectorsFor(connectors.data, 'destination');
  // The first connector of each kind is preselected, so a form with one of each starts ready.
  React.useEffect(() => {
    if (!form.sourceType && sources[0]) set('sourceType', sources[0].type);
    if (!form.destinationType && destinations[0]) set('destinationType', destinations[0].type);
  }, [sources, destinations, form.sourceType, form.destinationType, set]);

  const [tableSearch, setTableSearch] = React.useState('');
  const nsKey = destinationFields(connectors.data?.find((c) => c.type === form.destinationType)).namespace?.key;
  React.useEffect(() => {
    if (nsKey && nsKey !== form.destinationNamespaceKey) set('destinationNamespaceKey', nsKey);
  }, [nsKey, form.destinationNamespaceKey, set]);

  const tables = useQuery(
    async (signal) =>
      unwrap(
        await api.GET('/api/sources/{type}/tables', {
          params: {
            path: { type: form.sourceType },
            query: { ...(form.sourceConnection ? { connection: form.sourceConnection } : {}), ...(tableSearch ? { search: tableSearch } : {}) },
          },
          signal,
        }),
      ),
    [form.sourceType, form.sourceConnection, tableSearch],
    { enabled: Boolean(form.sourceType) },
  );
  // With the destination chosen, the catalog already says the type each column gets there.
  const columns = useQuery(
    async (signal) =>
      unwrap(
        await api.GET('/api/sources/{type}/tables/{table}/columns', {
          params: {
            path: { type: form.sourceType, table: form.sourceTable },
            query: { ...(form.sourceConnection ? { connection: form.sourceConnection } : {}), ...(form.destinationType ? { destination_type: form.destinationType } : {}) },
          },
          signal,
        }),
      ).columns,
    [form.sourceType, form.sourceTable, form.sourceConnection, form.destinationType],
    { enabled: Boolean(form.sourceType && form.sourceTable && form.sourceMode === 'table') },
  );

  // The dry-run plan follows the form (debounced); "Preview plan" asks at once.
  const [plan, setPlan] = React.useState<{ key: string; data?: Plan; error?: unknown; loading: boolean }>({ key: '', loading: false });
  const requestPlan = React.useCallback(async (key: string) => {
    setPlan((p) => ({ ...p, key, loading: true }));
    try {
      const data = unwrap(await api.POST('/api/migrations/plan', { body: JSON.parse(key) }));
      setPlan((p) => (p.key === key ? { key, data, loading: false } : p));
    } catch (error) {
      setPlan((p) => (p.key === key ? { key, data: p.data, error, loading: false } : p));
    }
  }, []);
  const ready = readyToPlan(form);
  const askedKey = plan.key;
  React.useEffect(() => {
    // Already asked ("Preview plan" may have been quicker than the debounce).
    if (!ready || askedKey === planKey) return;
    const t = setTimeout(() => void requestPlan(planKey), PLAN_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [ready, planKey, askedKey, requestPlan]);
  const planStale = plan.key !== planKey;

  const showErrors = (err: unknown) => {
    if (err instanceof ApiError) {
      const byInput: Record<string, string> = {};
      for (const [path, message] of Object.entries(err.fields)) {
        const input = FIELD_INPUTS[path] ?? (path.startsWith('destination_config.columns') ? 'mapping' : undefined);
        if (input) byInput[input] = message;
      }
      setFieldErrors(byInput);
    }
  };

  const start = useAction(async () => {
    setFieldErrors({});
    try {
      const m = unwrap(await api.POST('/api/migrations', { body }));
      navigate(`/migrations/${encodeURIComponent(m.id)}`);
    } catch (err) {
      showErrors(err);
      throw err;
    }
  });
  const saveTemplate = useAction(async () => {
    if (!template) return;
    setFieldErrors({});
    try {
      const t = unwrap(await api.PATCH('/api/templates/{id}', { params: { path: { id: template.id } }, body: { migration: body } }));
      setSavedTemplate(t);
    } catch (err) {
      showErrors(err);
      throw err;
    }
  });

  const err = (id: string) => fieldErrors[id];
  const tableColumns = columns.data;
  const destination = connectors.data?.find((c) => c.type === form.destinationType);
  const casts = destination?.casts ?? [];
  const fields = destinationFields(destination);
  const rows = mappingRows(plan.data, form.sourceMode === 'table' ? tableColumns : undefined);

  return (
    <>
      <Link href={template ? '/templates' : '/'} className="text-muted-foreground hover:text-foreground mb-4 inline-flex items-center gap-1 text-sm">
        <ArrowLeftIcon className="size-4" /> {template ? 'Templates' : 'Migrations'}
      </Link>
      <PageHeader
        title={template ? `Edit template: ${template.name}` : 'New migration'}
        description="Pick what to copy and where; the plan below shows the table it creates and how the copy is cut before anything runs."
      />
      <form
        className="space-y-6"
        onSubmit={(e) => {
          e.preventDefault();
          void start.run();
        }}
      >
        <Card>
          <CardHeader>
            <CardTitle>Source</CardTitle>
            <CardDescription>A table from the source's catalog, or a read-only query.</CardDescription>
          </CardHeader>
          <CardContent className="grid grid-cols-2 gap-5">
            <Field id="name" label="Name" error={err('name')} className="col-span-2">
              <Input value={form.name} onChange={(e) => set('name', e.target.value)} placeholder="Monthly sales copy" required maxLength={200} />
            </Field>
            <Field
              id="source"
              label="Source"
              hint={connectors.error !== undefined ? `Could not load the connectors: ${errorMessage(connectors.error)}` : undefined}
              error={err('source')}
            >
              <NativeSelect value={form.sourceType} onChange={(e) => setForm((f) => ({ ...f, sourceType: e.target.value, sourceTable: '', columns: {}, cursorColumn: '' }))}>
                {!form.sourceType && <NativeSelectOption value="">Choose a source</NativeSelectOption>}
                {sources.map((c) => (
                  <NativeSelectOption key={c.type} value={c.type}>
                    {connectorLabel(c, 'source')}
                  </NativeSelectOption>
                ))}
              </NativeSelect>
            </Field>
            <Field id="source-connection" label="Source connection" hint="Named connection on the worker; empty for the default." error={err('source-connection')}>
              <Input value={form.sourceConnection} onChange={(e) => set('sourceConnection', e.target.value)} placeholder="default" />
            </Field>
            <div className="col-span-2 space-y-4">
              <Tabs value={form.sourceMode} onValueChange={(v) => set('sourceMode', v as FormState['sourceMode'])}>
                <TabsList aria-label="Read from">
                  <TabsTrigger value="table">Table</TabsTrigger>
                  <TabsTrigger value="query">Query</TabsTrigger>
                </TabsList>
              </Tabs>
              {form.sourceMode === 'table' ? (
                <SourceTableField form={form} setForm={setForm} tables={tables} search={tableSearch} onSearch={setTableSearch} error={err('source-table')} />
              ) : (
                <Field id="source-query" label="Source query" hint="One read-only SELECT." error={err('source-query')}>
                  <Textarea value={form.sourceQuery} onChange={(e) => set('sourceQuery', e.target.value)} className="min-h-24 font-mono text-xs" placeholder="SELECT * FROM sales_data WHERE date >= '2024-01-01'" />
                </Field>
              )}
            </div>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Destination</CardTitle>
          </CardHeader>
          <CardContent className="grid grid-cols-2 gap-5">
            <Field id="destination" label="Destination" error={err('destination')}>
              <NativeSelect
                value={form.destinationType}
                onChange={(e) => setForm((f) => ({ ...f, destinationType: e.target.value, destinationNamespace: '', timestampColumn: '', writeMode: '' }))}
              >
                {!form.destinationType && <NativeSelectOption value="">Choose a destination</NativeSelectOption>}
                {destinations.map((c) => (
                  <NativeSelectOption key={c.type} value={c.type}>
                    {connectorLabel(c, 'destination')}
                  </NativeSelectOption>
                ))}
              </NativeSelect>
            </Field>
            <Field id="destination-table" label="Destination table" hint="Created when missing." error={err('destination-table')}>
              <Input value={form.destinationTable} onChange={(e) => set('destinationTable', e.target.value)} placeholder={form.sourceTable || 'sales_history'} required />
            </Field>
            {fields.namespace && (
              <Field id="destination-namespace" label={fields.namespace.key === 'project' ? 'Project' : 'Schema'} hint={fields.namespace.hint} error={err('destination-namespace')}>
                <Input value={form.destinationNamespace} onChange={(e) => set('destinationNamespace', e.target.value)} />
              </Field>
            )}
            <Field id="write-mode" label="Write mode" error={err('write-mode')}>
              <NativeSelect value={form.writeMode} onChange={(e) => set('writeMode', e.target.value as FormState['writeMode'])}>
                <NativeSelectOption value="">Default ({form.mode === 'incremental' ? 'upsert' : 'append'})</NativeSelectOption>
                {fields.writeModes.map((m) => (
                  <NativeSelectOption key={m} value={m}>
                    {m}
                  </NativeSelectOption>
                ))}
              </NativeSelect>
            </Field>
            {fields.timestampColumn && (
              <Field id="timestamp-column" label="Primary timestamp" hint={fields.timestampColumn.hint} error={err('timestamp-column')}>
                {tableColumns && tableColumns.length > 0 ? (
                  <NativeSelect value={form.timestampColumn} onChange={(e) => set('timestampColumn', e.target.value)}>
                    <NativeSelectOption value="">Default</NativeSelectOption>
                    {tableColumns.map((c) => (
                      <NativeSelectOption key={c.name} value={c.name}>
                        {c.name} ({c.source_type})
                      </NativeSelectOption>
                    ))}
                  </NativeSelect>
                ) : (
                  <Input value={form.timestampColumn} onChange={(e) => set('timestampColumn', e.target.value)} placeholder="created_at" />
                )}
              </Field>
            )}
          </CardContent>
        </Card>

        <Card id="mapping">
          <CardHeader>
            <CardTitle>Schema mapping</CardTitle>
            <CardDescription>
              Each column with the type it gets at the destination. Rename, cast or skip columns; the plan follows your changes.
              {plan.loading && (
                <span className="ml-2 inline-flex items-center gap-1">
                  <LoaderCircleIcon className="size-3 animate-spin" /> planning…
                </span>
              )}
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {err('mapping') && <p className="text-destructive text-sm">{err('mapping')}</p>}
            {plan.error !== undefined && !plan.loading && (
              <Alert variant="destructive">
                <AlertTitle>The plan failed</AlertTitle>
                <AlertDescription>{errorMessage(plan.error)}</AlertDescription>
              </Alert>
            )}
            {rows.length > 0 ? (
              <MappingTable rows={rows} rules={form.columns} casts={casts} onChange={(c) => set('columns', c)} stale={planStale} />
            ) : (
              <p className="text-muted-foreground text-sm">
                {ready ? 'Planning…' : 'Choose a source table (or write a query) and a destination table to see the columns.'}
              </p>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Transform and run options</CardTitle>
          </CardHeader>
          <CardContent className="grid grid-cols-2 gap-5">
            <Field
              id="transform-query"
              label="Transform query"
              hint={
                <>
                  Optional SELECT over the rows, which it sees as <code className="font-mono">source</code>; keep the key columns.
                </>
              }
              error={err('transform-query')}
              className="col-span-2"
            >
              <Textarea value={form.transformQuery} onChange={(e) => set('transformQuery', e.target.value)} className="font-mono text-xs" placeholder="SELECT id, UPPER(name) AS name FROM source" />
            </Field>
            <div className="grid gap-3">
              <Label id="mode-label">Mode</Label>
              <RadioGroup aria-labelledby="mode-label" value={form.mode} onValueChange={(v) => set('mode', v as FormState['mode'])} className="flex gap-6">
                <label className="flex items-center gap-2 text-sm">
                  <RadioGroupItem value="full" /> Full copy
                </label>
                <label className="flex items-center gap-2 text-sm">
                  <RadioGroupItem value="incremental" /> Incremental
                </label>
              </RadioGroup>
              {err('mode') && <p className="text-destructive text-xs">{err('mode')}</p>}
            </div>
            <Field id="parallelism" label="Parallelism" hint="Chunks copied at once (1–16)." error={err('parallelism')}>
              <Input type="number" min={1} max={16} value={form.parallelism} onChange={(e) => set('parallelism', e.target.value)} className="w-28" />
            </Field>
            {form.mode === 'incremental' && (
              <>
                <Field id="cursor-column" label="Cursor column" hint="A timestamp or other column that grows with each change." error={err('cursor-column')}>
                  {tableColumns && tableColumns.length > 0 ? (
                    <NativeSelect value={form.cursorColumn} onChange={(e) => set('cursorColumn', e.target.value)}>
                      <NativeSelectOption value="">Choose a column</NativeSelectOption>
                      {tableColumns.map((c) => (
                        <NativeSelectOption key={c.name} value={c.name}>
                          {c.name} ({c.source_type})
                        </NativeSelectOption>
                      ))}
                    </NativeSelect>
                  ) : (
                    <Input value={form.cursorColumn} onChange={(e) => set('cursorColumn', e.target.value)} placeholder="updated_at" />
                  )}
                </Field>
                <Field id="lookback" label="Lookback" hint='Read again this far before the last mark, for late commits: "10m", "1h".' error={err('lookback')}>
                  <Input value={form.lookback} onChange={(e) => set('lookback', e.target.value)} placeholder="10m" className="w-40" />
                </Field>
              </>
            )}
          </CardContent>
        </Card>

        {plan.data && (
          <Card id="plan">
            <CardHeader>
              <CardTitle>Plan</CardTitle>
              <CardDescription>{planStale ? 'Out of date: the form changed since. Preview plan to refresh it.' : 'What the run will do, found without changing anything.'}</CardDescription>
            </CardHeader>
            <CardContent>
              <PlanView plan={plan.data} />
            </CardContent>
          </Card>
        )}

        {start.error !== undefined && (
          <Alert variant="destructive">
            <AlertTitle>The migration did not start</AlertTitle>
            <AlertDescription>{errorMessage(start.error)}</AlertDescription>
          </Alert>
        )}
        {saveTemplate.error !== undefined && <ErrorState error={saveTemplate.error} title="The template was not saved" />}
        {savedTemplate && (
          <Alert variant="success">
            <CheckIcon />
            <AlertTitle>Template saved</AlertTitle>
            <AlertDescription>
              <p>
                “{savedTemplate.name}” is on the{' '}
                <Link href="/templates" className="underline">
                  Templates
                </Link>{' '}
                page.
              </p>
            </AlertDescription>
          </Alert>
        )}

        <div className="bg-background/95 sticky bottom-0 -mx-6 flex items-center justify-end gap-2 border-t px-6 py-4 backdrop-blur">
          <Button
            type="button"
            variant="outline"
            disabled={!ready || plan.loading}
            onClick={() => {
              void requestPlan(planKey).then(() => document.getElementById('plan')?.scrollIntoView({ behavior: 'smooth' }));
            }}
          >
            <ScanSearchIcon /> Preview plan
          </Button>
          {template ? (
            <Button type="button" variant="outline" disabled={saveTemplate.pending} onClick={() => void saveTemplate.run()}>
              <FileStackIcon /> Save template
            </Button>
          ) : (
            <Button type="button" variant="outline" disabled={!ready || !form.name.trim()} onClick={() => setTemplateOpen(true)}>
              <FileStackIcon /> Save as template
            </Button>
          )}
          <Button type="submit" disabled={start.pending}>
            <PlayIcon /> Start migration
          </Button>
        </div>
      </form>
      <SaveTemplateDialog open={templateOpen} onOpenChange={setTemplateOpen} body={body} onSaved={setSavedTemplate} />
    </>
  );
}

/** "PostgreSQL (POSTGRES)", marked when the worker has no settings for it. */
function connectorLabel(c: Connector, role: 'source' | 'destination'): string {
  const configured = c.worker?.[role]?.configured;
  return `${c.title} (${c.type})${configured === false ? ' — not configured on the worker' : ''}`;
}

function SourceTableField({
  form,
  setForm,
  tables,
  search,
  onSearch,
  error,
}: {
  form: FormState;
  setForm: React.Dispatch<React.SetStateAction<FormState>>;
  tables: QueryState<SourceTables>;
  search: string;
  onSearch: (s: string) => void;
  error?: string;
}) {
  const [searchInput, setSearchInput] = React.useState(search);
  React.useEffect(() => {
    const t = setTimeout(() => onSearch(searchInput.trim()), 300);
    return () => clearTimeout(t);
  }, [searchInput, onSearch]);
  const choose = (table: string) =>
    setForm((f) => ({ ...f, sourceTable: table, columns: {}, cursorColumn: '', destinationTable: f.destinationTable || table }));
  // Without a catalog (an error, or a source that lists nothing) the table is typed in.
  if (tables.error !== undefined || (tables.data && tables.data.tables.length === 0 && !search)) {
    return (
      <Field
        id="source-table"
        label="Source table"
        hint={tables.error !== undefined ? `The catalog is unavailable (${errorMessage(tables.error)}); type the table name.` : 'The source lists no tables; type the name.'}
        error={error}
      >
        <Input value={form.sourceTable} onChange={(e) => choose(e.target.value)} />
      </Field>
    );
  }
  const list = tables.data?.tables ?? [];
  const known = list.some((t) => t.name === form.sourceTable);
  const hint = tables.loading && !tables.data ? 'Loading tables…' : `${list.length}${tables.data?.truncated ? '+' : ''} tables; row counts are the source's estimates.`;
  return (
    <div className="grid grid-cols-[1fr_16rem] items-start gap-4">
      <Field id="source-table" label="Source table" hint={hint} error={error}>
        <NativeSelect value={form.sourceTable} onChange={(e) => choose(e.target.value)} disabled={!tables.data}>
          <NativeSelectOption value="">Choose a table</NativeSelectOption>
          {form.sourceTable && !known && <NativeSelectOption value={form.sourceTable}>{form.sourceTable}</NativeSelectOption>}
          {list.map((t) => (
            <NativeSelectOption key={`${t.schema}.${t.name}`} value={t.name}>
              {t.name}
              {t.rows_estimate !== null ? ` — ≈ ${formatCompact(t.rows_estimate)} rows` : ''}
            </NativeSelectOption>
          ))}
        </NativeSelect>
      </Field>
      <Field id="table-search" label="Find a table" hint={tables.data?.truncated ? 'More tables than listed: narrow by name.' : undefined}>
        <Input value={searchInput} onChange={(e) => setSearchInput(e.target.value)} placeholder="part of the name" />
      </Field>
    </div>
  );
}
