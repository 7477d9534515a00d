/**
 * Recurring migrations as Temporal Schedules: the server decides when to start
 * `migrationWorkflow` (cron, intervals, calendars, time zones, overlap, catch-up, backfill);
 * the API only translates requests. Each scheduled run is an ordinary migration (its
 * workflow id is `<scheduleId>-<scheduled time>`), listed by /api/migrations with its schedule_id.
 */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  ScheduleNotFoundError,
  type ScheduleOptionsAction,
  type ScheduleOverlapPolicy,
} from '@temporalio/client';
import { MIGRATION_WORKFLOW, type MigrationInput } from '../workflows/types';
import { toMigrationInput } from './migration-input';
import { TEMPLATE_SCHEDULE_PREFIX } from './templates-service';
import { migrationSearchAttributes, MigrationNotFound, type MigrationsService, runMetadata } from './migrations-service';
import { pendingProgress, type PublishedProgress } from '../workflows/published';
import {
  type BackfillRequest,
  type CreateScheduleRequest,
  DEFAULT_BACKFILL_OVERLAP,
  DEFAULT_CATCHUP_WINDOW,
  DEFAULT_OVERLAP,
  formatDuration,
  type OverlapPolicy,
  parseDuration,
  type PatchScheduleRequest,
  type ScheduledRunView,
  type ScheduleSpecRequest,
  type ScheduleView,
  toTemporalSpec,
} from './schedule-schemas';
import type { CreateMigrationRequest, FieldError } from './schemas';

/** The schedule as the client gave it (name, spec, migration), so GET returns it unchanged. */
export interface ScheduleDefinition {
  name: string;
  spec: ScheduleSpecRequest;
  migration: CreateMigrationRequest;
  created_at: string;
  updated_at?: string;
}

/**
 * Memo of each scheduled run (no created_at: the API falls back to the run's start time).
 * It also carries the schedule's current definition: the schedule's own memo is written once
 * at creation (neither the SDK's update() nor this Temporal server version can change it), while
 * the action is updated with every PATCH; as a bonus each run records the definition it ran under.
 */
export interface ScheduledMigrationMemo {
  name: string;
  source_type: string;
  destination_type: string;
  schedule_id: string;
  schedule_definition: ScheduleDefinition;
  progress?: PublishedProgress;
}

const RECENT_RUNS = 5;
const NEXT_RUNS = 5;
const LIST_LIMIT = 100;

export class ScheduleNotFound extends Error {}
/** Temporal rejected the schedule (a spec our checks let through); nothing was created or changed. */
export class ScheduleRejected extends Error {
  constructor(readonly fields: FieldError[]) {
    super(fields.map((f) => f.message).join('; '));
  }
}

const toTemporalOverlap = (p: OverlapPolicy): ScheduleOverlapPolicy => p.toUpperCase() as ScheduleOverlapPolicy;

export class SchedulesService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly migrations: MigrationsService,
  ) {}

  newId(): string {
    return `sched-${randomUUID()}`;
  }

  async create(req: CreateScheduleRequest): Promise<ScheduleView> {
    const id = this.newId();
    const now = new Date().toISOString();
    const definition: ScheduleDefinition = { name: req.name, spec: req.spec, migration: req.migration, created_at: now };
    const withAttributes = await this.migrations.searchAttributesAvailable();
    await rejectedAsFields(() =>
      this.client.schedule.create({
        scheduleId: id,
        spec: toTemporalSpec(req.spec),
        action: this.action(id, definition, now, undefined, withAttributes),
        policies: {
          overlap: toTemporalOverlap(req.overlap ?? DEFAULT_OVERLAP),
          catchupWindow: parseDuration(req.catchup_window ?? DEFAULT_CATCHUP_WINDOW)!,
          pauseOnFailure: req.pause_on_failure ?? false,
        },
        state: { paused: req.paused ?? false, note: req.note ?? (req.paused ? 'created paused' : undefined) },
        memo: definition as unknown as Record<string, unknown>,
      }),
    );
    return this.get(id);
  }

  async list(): Promise<ScheduleView[]> {
    const ids: string[] = [];
    for await (const s of this.client.schedule.list({ pageSize: LIST_LIMIT })) {
      // Only schedules that start migrations (the namespace may hold others), not templates.
      if (s.action?.workflowType === MIGRATION_WORKFLOW && !isTemplate(s.scheduleId)) ids.push(s.scheduleId);
      if (ids.length >= LIST_LIMIT) break;
    }
    // Listing is eventually consistent: a just-deleted schedule may still be listed.
    const views = await Promise.all(ids.map((id) => this.get(id).catch((err) => (err instanceof ScheduleNotFound ? undefined : Promise.reject(err)))));
    return views.filter((v): v is ScheduleView => v !== undefined).sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async get(id: string): Promise<ScheduleView> {
    return this.view(await this.describe(id));
  }

  async pause(id: string, note?: string): Promise<ScheduleView> {
    await this.describe(id);
    await notFoundAs(id, () => this.handle(id).pause(note ?? 'paused via the API'));
    return this.get(id);
  }

  async unpause(id: string, note?: string): Promise<ScheduleView> {
    await this.describe(id);
    await notFoundAs(id, () => this.handle(id).unpause(note ?? 'unpaused via the API'));
    return this.get(id);
  }

  /** Runs the migration now (even when paused), under the schedule's own overlap policy. */
  async trigger(id: string): Promise<ScheduleView> {
    const desc = await this.describe(id);
    await notFoundAs(id, () => this.handle(id).trigger(desc.policies.overlap));
    return this.get(id);
  }

  /** Takes the actions the spec would have taken between start and end, as if that time passed now. */
  async backfill(id: string, req: BackfillRequest): Promise<ScheduleView> {
    await this.describe(id);
    await notFoundAs(id, () =>
      this.handle(id).backfill({
        start: new Date(req.start),
        end: new Date(req.end),
        overlap: toTemporalOverlap(req.overlap ?? DEFAULT_BACKFILL_OVERLAP),
      }),
    );
    return this.get(id);
  }

  async update(id: string, patch: PatchScheduleRequest): Promise<ScheduleView> {
    const desc = await this.describe(id);
    const old = definitionOf(desc);
    const now = new Date().toISOString();
    const definition: ScheduleDefinition = {
      name: patch.name ?? old.name ?? id,
      spec: patch.spec ?? old.spec,
      migration: patch.migration ?? old.migration,
      created_at: old.created_at ?? desc.info.createdAt.toISOString(),
      updated_at: now,
    };
    const withAttributes = await this.migrations.searchAttributesAvailable();
    await rejectedAsFields(() =>
      notFoundAs(id, () =>
        this.handle(id).update((prev) => {
          const input = inputOf(prev);
          // Only a changed migration gets a new input; otherwise keep the current one (its high-water mark moves on).
          const action = patch.migration
            ? this.action(id, definition, now, input, withAttributes)
            : { ...prev.action, memo: { ...(prev.action.memo ?? {}), schedule_definition: definition } };
          return {
            spec: patch.spec ? toTemporalSpec(patch.spec) : prev.spec,
            action,
            policies: {
              overlap: patch.overlap ? toTemporalOverlap(patch.overlap) : prev.policies.overlap,
              catchupWindow: patch.catchup_window ? parseDuration(patch.catchup_window)! : prev.policies.catchupWindow,
              pauseOnFailure: patch.pause_on_failure ?? prev.policies.pauseOnFailure,
            },
            state: { paused: prev.state.paused, note: prev.state.note, remainingActions: prev.state.remainingActions },
          };
        }),
      ),
    );
    return this.get(id);
  }

  /** Deletes the schedule; runs already started keep going (cancel them through /api/migrations). */
  async delete(id: string): Promise<void> {
    await this.describe(id);
    await notFoundAs(id, () => this.handle(id).delete());
  }

  // ---- internals ----

  private handle(id: string): ScheduleHandle {
    return this.client.schedule.getHandle(id);
  }

  private async describe(id: string): Promise<ScheduleDescription> {
    // A template (api/templates-service.ts) is a paused schedule too, but not a recurring migration.
    if (isTemplate(id)) throw new ScheduleNotFound(id);
    const desc = await notFoundAs(id, () => this.handle(id).describe());
    // Only Epic Shelter's schedules: ones that start our migration workflow on our task queue.
    if (desc.action.workflowType !== MIGRATION_WORKFLOW || desc.action.taskQueue !== this.taskQueue) throw new ScheduleNotFound(id);
    return desc;
  }

  private action(scheduleId: string, definition: ScheduleDefinition, createdAt: string, previous?: MigrationInput, withAttributes = false): ScheduleOptionsAction {
    const migration = definition.migration;
    // The input's migrationId is the schedule id for every run; runs are told apart by workflow id.
    const input = toMigrationInput(migration, scheduleId, createdAt);
    // An incremental schedule whose migration changes keeps the high-water mark its runs reached
    // (the workflow advances it in the action after each run), unless the request sets one.
    if (
      previous?.options.mode === 'incremental' &&
      input.options.mode === 'incremental' &&
      previous.options.cursorColumn === input.options.cursorColumn &&
      migration.options?.high_water_mark === undefined
    ) {
      input.options.highWaterMark = previous.options.highWaterMark ?? null;
      if (previous.options.boundaryFingerprints !== undefined) input.options.boundaryFingerprints = previous.options.boundaryFingerprints;
    }
    const memo: ScheduledMigrationMemo = {
      name: input.name,
      source_type: input.source.type,
      destination_type: input.destination.type,
      schedule_id: scheduleId,
      schedule_definition: definition,
      progress: pendingProgress(),
    };
    return {
      type: 'startWorkflow',
      workflowType: MIGRATION_WORKFLOW,
      // Temporal appends the scheduled time: <scheduleId>-2025-01-31T02:00:00Z.
      workflowId: scheduleId,
      taskQueue: this.taskQueue,
      args: [input],
      memo: memo as unknown as Record<string, unknown>,
      // Runs carry the migration search attributes (list filters) when they are registered.
      ...(withAttributes ? { typedSearchAttributes: migrationSearchAttributes(input, scheduleId) } : {}),
      // The action's summary names the schedule (`temporal schedule describe`, the UI's schedule page) and every run it starts.
      ...runMetadata(input, definition.name),
    };
  }

  private async view(desc: ScheduleDescription): Promise<ScheduleView> {
    const def = definitionOf(desc);
    const recent = desc.info.recentActions.slice(-RECENT_RUNS).reverse();
    const recent_runs = await Promise.all(
      recent.map(async (a): Promise<ScheduledRunView> => {
        const migrationId = a.action.workflow.workflowId;
        let status: ScheduledRunView['status'] = null;
        try {
          status = (await this.migrations.get(migrationId)).status;
        } catch (err) {
          if (!(err instanceof MigrationNotFound)) throw err;
        }
        return { migration_id: migrationId, scheduled_at: a.scheduledAt.toISOString(), started_at: a.takenAt.toISOString(), status };
      }),
    );
    return {
      id: desc.scheduleId,
      name: def.name ?? desc.scheduleId,
      spec: def.spec,
      migration: def.migration,
      overlap: desc.policies.overlap ? desc.policies.overlap.toLowerCase() : DEFAULT_OVERLAP,
      catchup_window: formatDuration(desc.policies.catchupWindow),
      pause_on_failure: desc.policies.pauseOnFailure,
      paused: desc.state.paused,
      note: desc.state.note || null,
      next_run_times: desc.info.nextActionTimes.slice(0, NEXT_RUNS).map((d) => d.toISOString()),
      recent_runs,
      running_runs: desc.info.runningActions.map((a) => a.workflow.workflowId),
      actions_taken: desc.info.numActionsTaken,
      high_water_mark: inputOf(desc)?.options.highWaterMark ?? null,
      created_at: def.created_at ?? desc.info.createdAt.toISOString(),
      updated_at: (desc.info.lastUpdatedAt ?? desc.info.createdAt).toISOString(),
    };
  }
}

function isTemplate(scheduleId: string): boolean {
  return scheduleId.startsWith(TEMPLATE_SCHEDULE_PREFIX);
}

function inputOf(desc: ScheduleDescription): MigrationInput | undefined {
  return (desc.action.args as MigrationInput[] | undefined)?.[0];
}

/** The current definition (from the action, updated by PATCH), else the one from creation (the schedule's memo). */
function definitionOf(desc: ScheduleDescription): Partial<ScheduleDefinition> & Pick<ScheduleDefinition, 'spec' | 'migration'> {
  const current = (desc.action.memo as Partial<ScheduledMigrationMemo> | undefined)?.schedule_definition;
  return (current ?? desc.memo ?? {}) as ScheduleDefinition;
}

async function notFoundAs<T>(id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError || (err as Error).name === 'ScheduleNotFoundError') throw new ScheduleNotFound(id);
    throw err;
  }
}

/** gRPC INVALID_ARGUMENT from Temporal (e.g. a spec it cannot parse) becomes a 400, not a 500. */
async function rejectedAsFields<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
      if ((e as { code?: unknown }).code === 3) {
        throw new ScheduleRejected([{ path: 'spec', message: `Temporal rejected the schedule: ${(e as Error).message}` }]);
      }
    }
    throw err;
  }
}
