/** migrate, plan, status, list, cancel, retry. */
import { type Command, Option } from 'commander';
import type { ListPage } from '../../api/migrations-service';
import type { CreateMigrationRequest, MigrationView } from '../../api/schemas';
import { addMigrationOptions, type MigrationFlags, migrationBody, positiveInt, readJsonFile, seconds } from '../body';
import type { Run } from '../context';
import { EXIT } from '../exit-codes';
import { count, duration, migrationDetails, route, table } from '../format';
import { type MigrationPlanView, planText } from '../plan-output';

const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];

const watchOptions = (cmd: Command) =>
  cmd
    .option('-w, --watch', 'follow the migration to its end (exit 0 completed, 1 failed or cancelled, 130 on Ctrl-C)')
    .option('--interval <seconds>', 'seconds between polls while watching (default 1)', seconds);

/** Exit status of a migration looked at once: failed and cancelled ones are failures. */
const statusExit = (m: MigrationView) => (m.status === 'failed' || m.status === 'cancelled' ? EXIT.failed : EXIT.ok);

export function migrationCommands(program: Command, run: Run): void {
  const migrate = program
    .command('migrate')
    .argument('[file]', 'JSON request body (POST /api/migrations); - for standard input; flags override its fields')
    .description('start a migration')
    .addHelpText(
      'after',
      `
Examples:
  epic-shelter migrate --name "sales" --source SINGLESTORE --source-table sales_data \\
      --destination POSTGRES --destination-table sales_history --watch
  epic-shelter migrate request.json --parallelism 4
  cat request.json | epic-shelter migrate - --json`,
    );
  addMigrationOptions(migrate);
  watchOptions(migrate);
  run(migrate, async (ctx, file: string | undefined, flags: MigrationFlags & { watch?: boolean; interval?: number }) => {
    const body = migrationBody(file ? readJsonFile(file) : {}, flags);
    const started = await ctx.client.post<MigrationView>('/api/migrations', body);
    if (flags.watch) {
      ctx.out.line(`Started ${started.id} "${started.name}" (${route(started)})`);
      return ctx.watch(started.id, flags.interval);
    }
    ctx.out.print(started, () => `Started ${started.id} "${started.name}" (${route(started)})\nFollow it: epic-shelter status ${started.id} --watch`);
  });

  const plan = program
    .command('plan')
    .argument('[file]', 'JSON request body, as for migrate; - for standard input')
    .description('show what a migration would do, writing nothing: destination DDL, column mapping, chunk plan');
  addMigrationOptions(plan);
  run(plan, async (ctx, file: string | undefined, flags: MigrationFlags) => {
    const body: CreateMigrationRequest = migrationBody(file ? readJsonFile(file) : {}, flags);
    const plan = await ctx.client.post<MigrationPlanView>('/api/migrations/plan', body);
    ctx.out.print(plan, () => planText(plan));
  });

  const status = watchOptions(program.command('status').argument('<id>', 'migration id (mig-…)').description('show a migration; --watch follows it'));
  run(status, async (ctx, id: string, flags: { watch?: boolean; interval?: number }) => {
    if (flags.watch) return ctx.watch(id, flags.interval);
    const m = await ctx.client.get<MigrationView>(`/api/migrations/${encodeURIComponent(id)}`);
    ctx.out.print(m, () => migrationDetails(m));
    return statusExit(m);
  });

  const list = program
    .command('list')
    .description('list migrations: running first, then the most recently finished')
    .addOption(new Option('--status <statuses>', `one or several, comma-separated: ${STATUSES.join(', ')}`))
    .option('--source-type <type>', 'only from this source connector')
    .option('--destination-type <type>', 'only into this destination connector')
    .option('--name <words>', 'whole words of the name, any case')
    .option('--schedule <id>', 'only runs of this schedule')
    .option('--page-size <n>', 'entries per page (at most 200)', positiveInt)
    .option('--page-token <token>', 'the next page (printed under the previous one)')
    .option('--all', 'every page, one after another');
  run(list, async (ctx, flags: { status?: string; sourceType?: string; destinationType?: string; name?: string; schedule?: string; pageSize?: number; pageToken?: string; all?: boolean }) => {
    const query = {
      status: flags.status,
      source_type: flags.sourceType,
      destination_type: flags.destinationType,
      name: flags.name,
      schedule_id: flags.schedule,
      page_size: flags.pageSize,
      page_token: flags.pageToken,
    };
    let page = await ctx.client.get<ListPage>('/api/migrations', query);
    const migrations = [...page.migrations];
    while (flags.all && page.next_page_token) {
      page = await ctx.client.get<ListPage>('/api/migrations', { ...query, page_token: page.next_page_token });
      migrations.push(...page.migrations);
    }
    ctx.out.print({ migrations, next_page_token: page.next_page_token }, () => {
      if (migrations.length === 0) return 'No migrations.';
      const rows = migrations.map((m) => [
        m.id,
        m.name,
        m.status === 'running' ? `running (${m.phase})` : m.status,
        `${m.progress}%`,
        `${count(m.rows_copied)}/${count(m.rows_total)}`,
        m.rows_per_second !== null && m.status === 'running' ? `${count(m.rows_per_second)}/s ETA ${duration(m.eta_seconds)}` : '',
        route(m),
        m.created_at.replace(/\.\d+Z$/, 'Z'),
      ]);
      const text = table(['ID', 'NAME', 'STATUS', 'PROGRESS', 'ROWS', 'RATE', 'ROUTE', 'CREATED'], rows);
      return page.next_page_token ? `${text}\n\nMore: epic-shelter list --page-token ${page.next_page_token} (same filters)` : text;
    });
  });

  const cancel = program.command('cancel').argument('<id>', 'migration id').description('cancel a pending or running migration (rows written stay; retry resumes)');
  run(cancel, async (ctx, id: string) => {
    const m = await ctx.client.post<MigrationView>(`/api/migrations/${encodeURIComponent(id)}/cancel`);
    ctx.out.print(m, () => `Cancel requested for ${m.id} "${m.name}" (was ${m.status}, ${m.progress}%)`);
  });

  const retry = watchOptions(program.command('retry').argument('<id>', 'migration id').description('resume a failed or cancelled migration from what it finished'));
  run(retry, async (ctx, id: string, flags: { watch?: boolean; interval?: number }) => {
    const m = await ctx.client.post<MigrationView>(`/api/migrations/${encodeURIComponent(id)}/retry`);
    if (flags.watch) {
      ctx.out.line(`Retrying ${m.id} (run ${m.runs})`);
      return ctx.watch(m.id, flags.interval);
    }
    ctx.out.print(m, () => `Retrying ${m.id} "${m.name}" (run ${m.runs})\nFollow it: epic-shelter status ${m.id} --watch`);
  });
}
