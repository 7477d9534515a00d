/** schedules list|get|create|pause|unpause|trigger|backfill|delete: recurring migrations. */
import { type Command, Option } from 'commander';
import type { BackfillRequest, CreateScheduleRequest, OverlapPolicy, ScheduleSpecRequest, ScheduleView } from '../../api/schedule-schemas';
import { addMigrationOptions, type MigrationFlags, migrationBody, readJsonFile } from '../body';
import type { Run } from '../context';
import { UsageError } from '../exit-codes';
import { table } from '../format';

const OVERLAP = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'];

function specText(spec: ScheduleSpecRequest): string {
  const parts: string[] = [];
  if (spec.cron !== undefined) parts.push(`cron ${[spec.cron].flat().join(' | ')}`);
  if (spec.interval !== undefined) parts.push(`every ${typeof spec.interval === 'string' ? spec.interval : spec.interval.every}`);
  if (spec.calendars !== undefined) parts.push(`${spec.calendars.length} calendar(s)`);
  if (spec.timezone) parts.push(spec.timezone);
  return parts.join(', ');
}

function details(s: ScheduleView): string {
  const lines = [
    `id:           ${s.id}`,
    `name:         ${s.name}`,
    `spec:         ${specText(s.spec)}`,
    `state:        ${s.paused ? 'paused' : 'active'}${s.note ? ` (${s.note})` : ''}`,
    `overlap:      ${s.overlap}`,
    `migration:    ${s.migration.source_type} ${s.migration.source_config.table ?? 'query'} → ${s.migration.destination_type} ${s.migration.destination_config.table}`,
    `next runs:    ${s.next_run_times.join(', ') || '-'}`,
    `actions:      ${s.actions_taken}`,
  ];
  for (const r of s.recent_runs) lines.push(`recent run:   ${r.migration_id}  ${r.status ?? 'unknown'}  (scheduled ${r.scheduled_at})`);
  return lines.join('\n');
}

const path = (id: string, action = '') => `/api/schedules/${encodeURIComponent(id)}${action}`;

export function scheduleCommands(program: Command, run: Run): void {
  const schedules = program.command('schedules').description('recurring migrations (Temporal Schedules)');

  run(schedules.command('list').description('every schedule'), async (ctx) => {
    const { schedules: all } = await ctx.client.get<{ schedules: ScheduleView[] }>('/api/schedules');
    ctx.out.print({ schedules: all }, () =>
      all.length === 0
        ? 'No schedules.'
        : table(
            ['ID', 'NAME', 'SPEC', 'STATE', 'NEXT RUN', 'LAST RUN'],
            all.map((s) => [s.id, s.name, specText(s.spec), s.paused ? 'paused' : 'active', s.next_run_times[0] ?? '-', s.recent_runs[0]?.status ?? '-']),
          ),
    );
  });

  run(schedules.command('get').argument('<id>').description('one schedule, with its next and recent runs'), async (ctx, id: string) => {
    const s = await ctx.client.get<ScheduleView>(path(id));
    ctx.out.print(s, () => details(s));
  });

  const create = schedules
    .command('create')
    .argument('[file]', 'JSON body of POST /api/schedules, or just a migration body; - for standard input')
    .description('create a schedule: a spec (--cron, --interval) and a migration (flags or file)')
    .option('--name <name>', 'schedule name (also the migration name unless --migration-name)')
    .option('--cron <expression>', 'cron expression, e.g. "30 2 * * *" or @daily')
    .option('--interval <duration>', 'e.g. 1h, 30m, 1d (at least 1m)')
    .option('--timezone <zone>', 'IANA time zone for cron, e.g. Europe/Berlin')
    .addOption(new Option('--overlap <policy>', 'when a run is still going at the next time').choices(OVERLAP))
    .option('--paused', 'create it paused')
    .option('--note <text>', 'note shown with the paused state');
  addMigrationOptions(create, '--migration-name');
  create.addHelpText('after', '\nExample:\n  epic-shelter schedules create --name nightly --cron "30 2 * * *" --timezone Europe/Berlin \\\n      --source SINGLESTORE --source-table sales_data --destination POSTGRES --destination-table sales_history');
  run(
    create,
    async (ctx, file: string | undefined, f: MigrationFlags & { cron?: string; interval?: string; timezone?: string; overlap?: OverlapPolicy; paused?: boolean; note?: string }) => {
      const base = file ? readJsonFile(file) : {};
      // A whole schedule body has a spec or a migration; anything else is taken as the migration.
      const whole = 'spec' in base || 'migration' in base;
      const migrationBase = (whole ? base.migration : base) as Record<string, unknown> | undefined;
      const spec: Record<string, unknown> = { ...((whole ? base.spec : undefined) as Record<string, unknown> | undefined) };
      if (f.cron !== undefined) spec.cron = f.cron;
      if (f.interval !== undefined) spec.interval = f.interval;
      if (f.timezone !== undefined) spec.timezone = f.timezone;
      if (spec.cron === undefined && spec.interval === undefined && spec.calendars === undefined) throw new UsageError('give --cron or --interval (or a spec in the file)');
      const name = f.name ?? (whole ? (base.name as string | undefined) : undefined);
      if (name === undefined) throw new UsageError('give --name');
      const body = {
        ...(whole ? base : {}),
        name,
        spec,
        migration: migrationBody(migrationBase ?? {}, { ...f, name: f.migrationName ?? (migrationBase?.name as string | undefined) ?? name }),
        ...(f.overlap ? { overlap: f.overlap } : {}),
        ...(f.paused ? { paused: true } : {}),
        ...(f.note ? { note: f.note } : {}),
      } as CreateScheduleRequest;
      const s = await ctx.client.post<ScheduleView>('/api/schedules', body);
      ctx.out.print(s, () => `Created schedule ${s.id} "${s.name}" (${specText(s.spec)}${s.paused ? ', paused' : ''})\nNext runs: ${s.next_run_times.slice(0, 3).join(', ') || '-'}`);
    },
  );

  for (const action of ['pause', 'unpause'] as const) {
    const cmd = schedules.command(action).argument('<id>').option('--note <text>', 'why').description(action === 'pause' ? 'stop taking runs' : 'take runs again');
    run(cmd, async (ctx, id: string, f: { note?: string }) => {
      const s = await ctx.client.post<ScheduleView>(path(id, `/${action}`), f.note ? { note: f.note } : undefined);
      ctx.out.print(s, () => `${s.id} "${s.name}" is ${s.paused ? 'paused' : 'active'}${s.paused ? '' : `; next run ${s.next_run_times[0] ?? '-'}`}`);
    });
  }

  run(schedules.command('trigger').argument('<id>').description('start a run now (even when paused)'), async (ctx, id: string) => {
    const s = await ctx.client.post<ScheduleView>(path(id, '/trigger'));
    ctx.out.print(s, () => `Triggered ${s.id} "${s.name}"; runs now: ${s.running_runs.join(', ') || '(starting)'}`);
  });

  const backfill = schedules
    .command('backfill')
    .argument('<id>')
    .description('take the runs the spec would have taken between --start and --end')
    .requiredOption('--start <time>', 'ISO 8601, e.g. 2026-01-01T00:00:00Z')
    .requiredOption('--end <time>', 'ISO 8601')
    .addOption(new Option('--overlap <policy>', 'how the backfilled runs overlap').choices(OVERLAP));
  run(backfill, async (ctx, id: string, f: { start: string; end: string; overlap?: OverlapPolicy }) => {
    const body: BackfillRequest = { start: f.start, end: f.end, ...(f.overlap ? { overlap: f.overlap } : {}) };
    const s = await ctx.client.post<ScheduleView>(path(id, '/backfill'), body);
    ctx.out.print(s, () => `Backfill of ${s.id} from ${f.start} to ${f.end} requested`);
  });

  run(schedules.command('delete').argument('<id>').description('delete a schedule (runs already started keep going)'), async (ctx, id: string) => {
    await ctx.client.delete(path(id));
    ctx.out.print({ id, deleted: true }, () => `Deleted schedule ${id}`);
  });
}
