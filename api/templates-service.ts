/**
 * Migration templates, kept in Temporal (no database of our own): each template is a Temporal
 * Schedule `tmpl-<uuid>`, paused and without a spec, so it never fires by itself. Its action is a
 * ready migration (the same input a schedule's runs get), so "Trigger" in the Temporal Web UI runs
 * it as well; its note names it as a template there. The definition the client gave (name,
 * description, the POST /api/migrations body) travels in the action's memo, which every update
 * rewrites (a schedule's own memo is fixed at creation). `run` starts an ordinary migration.
 */
import { randomUUID } from 'node:crypto';
import { type Client, type ScheduleDescription, type ScheduleHandle, ScheduleNotFoundError, type ScheduleOptionsAction } from '@temporalio/client';
import { MIGRATION_WORKFLOW } from '../workflows/types';
import { pendingProgress } from '../workflows/published';
import { checkMigrationRequest, toMigrationInput } from './migration-input';
import { migrationSearchAttributes, type MigrationsService, runMetadata } from './migrations-service';
import type { MigrationMemo } from './migration-view';
import type { CreateMigrationRequest, FieldError, MigrationView } from './schemas';

/** Schedule ids of templates start with this; the schedules API leaves such schedules alone. */
export const TEMPLATE_SCHEDULE_PREFIX = 'tmpl-';
/** The schedule memo's marker (`epic_shelter_kind`) that tells a template apart in the Web UI and in lists. */
export const TEMPLATE_KIND = 'template';

/** Templates listed at most (each is one describe). */
export const MAX_TEMPLATES = 200;

export interface TemplateDefinition {
  name: string;
  description: string | null;
  migration: CreateMigrationRequest;
  created_at: string;
  updated_at: string;
}

export interface TemplateView extends TemplateDefinition {
  id: string;
}

export interface TemplateChanges {
  name?: string;
  description?: string | null;
  migration?: CreateMigrationRequest;
}

/** The action's memo: what a run triggered from the Web UI shows in /api/migrations, plus the definition. */
interface TemplateActionMemo extends Omit<MigrationMemo, 'created_at'> {
  template_id: string;
  template: TemplateDefinition;
}

export class TemplateNotFound extends Error {}
/** The stored migration no longer passes the checks (e.g. a connector was removed): nothing started. */
export class TemplateOutdated extends Error {
  constructor(readonly fields: FieldError[]) {
    super("the template's migration does not pass the checks any more; change it with PATCH");
  }
}

export class TemplatesService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly migrations: MigrationsService,
  ) {}

  newId(): string {
    return `${TEMPLATE_SCHEDULE_PREFIX}${randomUUID()}`;
  }

  async create(req: { name: string; description?: string | null; migration: CreateMigrationRequest }): Promise<TemplateView> {
    const id = this.newId();
    const now = new Date().toISOString();
    const definition: TemplateDefinition = { name: req.name, description: req.description ?? null, migration: req.migration, created_at: now, updated_at: now };
    await this.client.schedule.create({
      scheduleId: id,
      // No spec: the schedule never fires by itself; paused as a second guard.
      spec: {},
      action: await this.action(id, definition),
      state: { paused: true, note: noteOf(definition) },
      // Only the marker: a schedule's memo cannot change, so the name and description live in the note and the action.
      memo: { epic_shelter_kind: TEMPLATE_KIND },
    });
    return { id, ...definition };
  }

  /** Every template, by name. Temporal's schedule list is eventually consistent: a new template shows within about a second. */
  async list(): Promise<TemplateView[]> {
    const ids: string[] = [];
    for await (const s of this.client.schedule.list({ pageSize: 100 })) {
      if (s.scheduleId.startsWith(TEMPLATE_SCHEDULE_PREFIX) && (s.memo as { epic_shelter_kind?: string } | undefined)?.epic_shelter_kind === TEMPLATE_KIND) {
        ids.push(s.scheduleId);
      }
      if (ids.length >= MAX_TEMPLATES) break;
    }
    // A just-deleted template may still be listed: skip what is gone.
    const views = await Promise.all(ids.map((id) => this.get(id).catch((err) => (err instanceof TemplateNotFound ? undefined : Promise.reject(err)))));
    return views
      .filter((v): v is TemplateView => v !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<TemplateView> {
    return { id, ...definitionOf(await this.describe(id)) };
  }

  async update(id: string, changes: TemplateChanges): Promise<TemplateView> {
    const old = definitionOf(await this.describe(id));
    const definition: TemplateDefinition = {
      name: changes.name ?? old.name,
      description: changes.description !== undefined ? changes.description : old.description,
      migration: changes.migration ?? old.migration,
      created_at: old.created_at,
      updated_at: new Date().toISOString(),
    };
    const action = await this.action(id, definition);
    await notFoundAs(id, () =>
      this.handle(id).update((prev) => ({
        spec: prev.spec,
        action,
        policies: prev.policies,
        state: { paused: true, note: noteOf(definition) },
      })),
    );
    return { id, ...definition };
  }

  async delete(id: string): Promise<void> {
    await this.describe(id);
    await notFoundAs(id, () => this.handle(id).delete());
  }

  /** Starts the template's migration exactly as POST /api/migrations would (a new `mig-…` id). */
  async run(id: string): Promise<MigrationView> {
    const { migration } = await this.get(id);
    const checked = checkMigrationRequest(migration);
    if (!checked.ok) throw new TemplateOutdated(checked.errors.map((e) => ({ path: `migration.${e.path}`, message: e.message })));
    return this.migrations.start(toMigrationInput(checked.value, this.migrations.newId(), new Date().toISOString()));
  }

  // ---- internals ----

  private handle(id: string): ScheduleHandle {
    return this.client.schedule.getHandle(id);
  }

  /** Only our templates: a `tmpl-` schedule marked as one, starting our workflow on our task queue. */
  private async describe(id: string): Promise<ScheduleDescription> {
    if (!id.startsWith(TEMPLATE_SCHEDULE_PREFIX)) throw new TemplateNotFound(id);
    const desc = await notFoundAs(id, () => this.handle(id).describe());
    const kind = (desc.memo as { epic_shelter_kind?: string } | undefined)?.epic_shelter_kind;
    if (kind !== TEMPLATE_KIND || desc.action.workflowType !== MIGRATION_WORKFLOW || desc.action.taskQueue !== this.taskQueue) throw new TemplateNotFound(id);
    return desc;
  }

  private async action(id: string, definition: TemplateDefinition): Promise<ScheduleOptionsAction> {
    const input = toMigrationInput(definition.migration, id, definition.updated_at);
    const memo: TemplateActionMemo = {
      name: input.name,
      source_type: input.source.type,
      destination_type: input.destination.type,
      template_id: id,
      template: definition,
      progress: pendingProgress(),
    };
    return {
      type: 'startWorkflow',
      workflowType: MIGRATION_WORKFLOW,
      // A trigger from the Web UI runs it as `<id>-<time>`, listed by /api/migrations like any run.
      workflowId: id,
      taskQueue: this.taskQueue,
      args: [input],
      memo: memo as unknown as Record<string, unknown>,
      // As any run: list filters find it, and the Web UI shows what it copies.
      ...((await this.migrations.searchAttributesAvailable()) ? { typedSearchAttributes: migrationSearchAttributes(input) } : {}),
      ...runMetadata(input),
    };
  }
}

function noteOf(d: TemplateDefinition): string {
  return `Epic Shelter template "${d.name}"${d.description ? `: ${d.description}` : ''} (runs only when asked: POST /api/templates/{id}/run)`;
}

function definitionOf(desc: ScheduleDescription): TemplateDefinition {
  return (desc.action.memo as unknown as TemplateActionMemo).template;
}

async function notFoundAs<T>(id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError || (err as Error).name === 'ScheduleNotFoundError') throw new TemplateNotFound(id);
    throw err;
  }
}
