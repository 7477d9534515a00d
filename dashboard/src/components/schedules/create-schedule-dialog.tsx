/** New schedule: a cron expression or an interval (previewed in plain words), and a template's migration to run. */
import * as React from 'react';
import { ApiError, api, unwrap } from '@/api/client';
import type { ScheduleSpec, Template } from '@/api/types';
import { Field } from '@/components/field';
import { InlineError } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect, NativeSelectOption } from '@/components/ui/native-select';
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { Link } from '@/lib/router';
import { specWords } from '@/lib/schedule-words';
import { useAction } from '@/lib/use-query';

const LOCAL_TZ = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function CreateScheduleDialog({ open, onOpenChange, templates, onCreated }: { open: boolean; onOpenChange: (o: boolean) => void; templates: Template[] | undefined; onCreated: () => void }) {
  const [name, setName] = React.useState('');
  const [kind, setKind] = React.useState<'cron' | 'interval'>('cron');
  const [cron, setCron] = React.useState('30 2 * * *');
  const [interval, setInterval] = React.useState('1h');
  const [timezone, setTimezone] = React.useState(LOCAL_TZ);
  const [templateId, setTemplateId] = React.useState('');
  const [paused, setPaused] = React.useState(false);
  const [errors, setErrors] = React.useState<Record<string, string>>({});

  const spec: ScheduleSpec = kind === 'cron' ? { cron: cron.trim(), timezone: timezone.trim() || undefined } : { interval: interval.trim() };
  const template = templates?.find((t) => t.id === templateId);

  const create = useAction(async () => {
    setErrors({});
    if (!template) throw new Error('choose the template whose migration the schedule runs');
    try {
      unwrap(await api.POST('/api/schedules', { body: { name: name.trim(), spec, migration: template.migration, paused } }));
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      throw err;
    }
    onCreated();
    onOpenChange(false);
    setName('');
  });

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run();
          }}
        >
          <DialogHeader>
            <DialogTitle>New schedule</DialogTitle>
            <DialogDescription>Runs a saved migration on a cron expression or an interval (a Temporal Schedule).</DialogDescription>
          </DialogHeader>
          <Field id="schedule-name" label="Schedule name" error={errors.name}>
            <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </Field>
          <Field
            id="schedule-template"
            label="Migration"
            hint={
              templates && templates.length === 0 ? (
                <>
                  No templates yet: save one from{' '}
                  <Link href="/migrations/new" className="underline">
                    New migration
                  </Link>
                  .
                </>
              ) : (
                'The template whose migration each run starts.'
              )
            }
            error={errors.migration}
          >
            <NativeSelect value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
              <NativeSelectOption value="">Choose a template</NativeSelectOption>
              {templates?.map((t) => (
                <NativeSelectOption key={t.id} value={t.id}>
                  {t.name}
                </NativeSelectOption>
              ))}
            </NativeSelect>
          </Field>
          <div className="grid gap-3">
            <Tabs value={kind} onValueChange={(v) => setKind(v as 'cron' | 'interval')}>
              <TabsList aria-label="Repeat by">
                <TabsTrigger value="cron">Cron</TabsTrigger>
                <TabsTrigger value="interval">Interval</TabsTrigger>
              </TabsList>
            </Tabs>
            {kind === 'cron' ? (
              <div className="grid grid-cols-2 gap-4">
                <Field id="schedule-cron" label="Cron expression" hint="minute hour day month weekday" error={errors['spec.cron']}>
                  <Input value={cron} onChange={(e) => setCron(e.target.value)} className="font-mono" />
                </Field>
                <Field id="schedule-timezone" label="Time zone" error={errors['spec.timezone']}>
                  <Input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
                </Field>
              </div>
            ) : (
              <Field id="schedule-interval" label="Interval" hint='"15m", "1h", "1d" or "1h30m"; at least 1m.' error={errors['spec.interval']}>
                <Input value={interval} onChange={(e) => setInterval(e.target.value)} className="w-40 font-mono" />
              </Field>
            )}
            <p className="bg-muted rounded-md px-3 py-2 text-sm" aria-live="polite">
              <span className="text-muted-foreground">Runs </span>
              <span data-testid="schedule-preview">{specWords(spec)}</span>
            </p>
          </div>
          <div className="flex items-center gap-2">
            <Checkbox id="schedule-paused" checked={paused} onCheckedChange={(v) => setPaused(v === true)} />
            <Label htmlFor="schedule-paused">Start paused</Label>
          </div>
          <InlineError error={create.error} />
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Close
            </Button>
            <Button type="submit" disabled={create.pending || !name.trim() || !templateId}>
              Create schedule
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
