/** templates list|get|create|update|delete|run: saved migrations, started on demand. */
import type { Command } from 'commander';
import type { CreateTemplateRequest, TemplateList, TemplateView, UpdateTemplateRequest } from '../../api/routes/templates';
import type { MigrationView } from '../../api/schemas';
import { addMigrationOptions, type MigrationFlags, migrationBody, readJsonFile, seconds } from '../body';
import type { Run } from '../context';
import { UsageError } from '../exit-codes';
import { route, table } from '../format';

type Json = Record<string, unknown>;

const path = (id: string, action = '') => `/api/templates/${encodeURIComponent(id)}${action}`;

const what = (t: TemplateView) =>
  `${t.migration.source_type} ${t.migration.source_config.table ?? 'query'} → ${t.migration.destination_type} ${t.migration.destination_config.table}`;

function details(t: TemplateView): string {
  return [
    `id:           ${t.id}`,
    `name:         ${t.name}`,
    ...(t.description ? [`description:  ${t.description}`] : []),
    `migration:    ${what(t)}`,
    `updated:      ${t.updated_at}`,
    'body:',
    JSON.stringify(t.migration, null, 2)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ].join('\n');
}

const MIGRATION_KEYS: Array<keyof MigrationFlags> = [
  'migrationName', 'source', 'sourceTable', 'query', 'orderBy', 'sourceConnection', 'destination', 'destinationTable', 'schema', 'project',
  'timestampColumn', 'writeMode', 'overwriteExisting', 'destinationConnection', 'transformQuery', 'parallelism', 'chunkRows', 'batchRows',
  'mode', 'cursorColumn', 'lookback', 'highWaterMark', 'rename', 'skip', 'cast',
];

/** A template body in a file has a `migration`; anything else is taken as the migration itself. */
function split(base: Json): { template: Json; migration: Json | undefined } {
  return 'migration' in base ? { template: base, migration: base.migration as Json } : { template: {}, migration: Object.keys(base).length > 0 ? base : undefined };
}

export function templateCommands(program: Command, run: Run): void {
  const templates = program.command('templates').description('saved migrations, run on demand (kept in Temporal as paused schedules)');

  run(templates.command('list').description('every template, by name'), async (ctx) => {
    const { templates: all } = await ctx.client.get<TemplateList>('/api/templates');
    ctx.out.print({ templates: all }, () =>
      all.length === 0 ? 'No templates.' : table(['ID', 'NAME', 'MIGRATION', 'UPDATED'], all.map((t) => [t.id, t.name, what(t), t.updated_at.replace(/\.\d+Z$/, 'Z')]), 60),
    );
  });

  run(templates.command('get').argument('<id>').description('one template with its migration body'), async (ctx, id: string) => {
    const t = await ctx.client.get<TemplateView>(path(id));
    ctx.out.print(t, () => details(t));
  });

  const create = templates
    .command('create')
    .argument('[file]', 'JSON: a template body {name, description, migration} or a migration body; - for standard input')
    .description('save a migration as a template')
    .option('--name <name>', 'template name (also the migration name unless --migration-name)')
    .option('--description <text>', 'what it is for');
  addMigrationOptions(create, '--migration-name');
  run(create, async (ctx, file: string | undefined, f: MigrationFlags & { description?: string }) => {
    const { template, migration } = split(file ? readJsonFile(file) : {});
    const name = f.name ?? (template.name as string | undefined);
    if (name === undefined) throw new UsageError('give --name');
    const body = {
      ...template,
      name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      migration: migrationBody(migration ?? {}, { ...f, name: f.migrationName ?? (migration?.name as string | undefined) ?? name }),
    } as CreateTemplateRequest;
    const t = await ctx.client.post<TemplateView>('/api/templates', body);
    ctx.out.print(t, () => `Saved template ${t.id} "${t.name}" (${what(t)})\nRun it: epic-shelter templates run ${t.id} --watch`);
  });

  const update = templates
    .command('update')
    .argument('<id>')
    .argument('[file]', 'JSON: template fields and/or a migration (replaces the stored one); - for standard input')
    .description('change a template; migration flags change fields of the stored migration')
    .option('--name <name>', 'new template name')
    .option('--description <text>', 'new description ("" removes it)');
  addMigrationOptions(update, '--migration-name');
  run(update, async (ctx, id: string, file: string | undefined, f: MigrationFlags & { description?: string }) => {
    const { template, migration } = split(file ? readJsonFile(file) : {});
    const body: Json = { ...template };
    if (f.name !== undefined) body.name = f.name;
    if (f.description !== undefined) body.description = f.description === '' ? null : f.description;
    if (migration || MIGRATION_KEYS.some((k) => f[k] !== undefined)) {
      const base = migration ?? (await ctx.client.get<TemplateView>(path(id))).migration;
      body.migration = migrationBody(base as unknown as Json, { ...f, name: f.migrationName });
    }
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give --name, --description, migration flags or a file');
    const t = await ctx.client.patch<TemplateView>(path(id), body as UpdateTemplateRequest);
    ctx.out.print(t, () => `Updated template ${t.id} "${t.name}" (${what(t)})`);
  });

  run(templates.command('delete').argument('<id>').description('delete a template (migrations it started keep going)'), async (ctx, id: string) => {
    await ctx.client.delete(path(id));
    ctx.out.print({ id, deleted: true }, () => `Deleted template ${id}`);
  });

  const runCmd = templates
    .command('run')
    .argument('<id>')
    .description('start a migration from a template')
    .option('-w, --watch', 'follow the migration to its end')
    .option('--interval <seconds>', 'seconds between polls while watching (default 1)', seconds);
  run(runCmd, async (ctx, id: string, f: { watch?: boolean; interval?: number }) => {
    const m = await ctx.client.post<MigrationView>(path(id, '/run'));
    if (f.watch) {
      ctx.out.line(`Started ${m.id} "${m.name}" (${route(m)}) from template ${id}`);
      return ctx.watch(m.id, f.interval);
    }
    ctx.out.print(m, () => `Started ${m.id} "${m.name}" (${route(m)}) from template ${id}\nFollow it: epic-shelter status ${m.id} --watch`);
  });
}
