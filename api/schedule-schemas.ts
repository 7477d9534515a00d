/**
 * The schedules HTTP contract (snake_case JSON): a recurring migration is a Temporal Schedule
 * whose action starts `migrationWorkflow`. The nested `migration` is exactly the body of
 * `POST /api/migrations`, checked by the same functions; its errors carry a `migration.` prefix.
 */
import type { CalendarSpec, DayOfWeek, Month, ScheduleSpec } from '@temporalio/client';
// zod from @hono/zod-openapi: the same zod, with .openapi() on every schema made here (routers call it).
import { z } from '@hono/zod-openapi';
import { createMigrationSchema, MIGRATION_STATUSES, type Validated, fieldErrors } from './schemas';

// ---- durations: "90s", "30m", "1h", "1d", "1h30m" (units d, h, m, s, largest first, each at most once) ----

const DURATION = /^(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?$/;
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1_000];
const DAY_MS = 86_400_000;

/** Milliseconds of a duration string, or undefined when it does not follow the grammar. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  return UNIT_MS.reduce((sum, unit, i) => sum + (m[i + 1] ? Number(m[i + 1]) * unit : 0), 0);
}

/** The inverse of parseDuration, e.g. 5_400_000 → "1h30m"; 0 → "0s". */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000) * 1000;
  let out = '';
  for (const [i, unit] of UNIT_MS.entries()) {
    const n = Math.floor(rest / unit);
    rest -= n * unit;
    if (n > 0) out += `${n}${'dhms'[i]}`;
  }
  return out || '0s';
}

const DURATION_HELP = 'a duration such as "90s", "30m", "1h", "1d" or "1h30m" (units d, h, m, s)';

const duration = (what: string, minMs: number, maxMs: number) =>
  z.string().superRefine((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `${what} must be ${DURATION_HELP}` });
    else if (ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `${what} must be between ${formatDuration(minMs)} and ${formatDuration(maxMs)}` });
    }
  });

/** Structure only; the durations are checked in the spec's superRefine so errors keep their own message and path. */
const intervalSchema = z.union([z.string(), z.object({ every: z.string(), offset: z.string().optional() }).strict()]);
/** At least a minute, like cron: a shorter interval stacks full copies (with overlap allow_all) faster than they finish. */
export const MIN_INTERVAL_MS = 60_000;
const MAX_INTERVAL_MS = 366 * DAY_MS;

function intervalErrors(interval: z.infer<typeof intervalSchema>): { path: (string | number)[]; message: string }[] {
  const { every, offset } = typeof interval === 'string' ? { every: interval, offset: undefined } : interval;
  const at = (key: string) => (typeof interval === 'string' ? ['interval'] : ['interval', key]);
  const everyMs = parseDuration(every);
  if (everyMs === undefined) return [{ path: at('every'), message: `interval "${every}" must be ${DURATION_HELP}` }];
  if (everyMs < MIN_INTERVAL_MS || everyMs > MAX_INTERVAL_MS) {
    return [{ path: at('every'), message: `interval must be between ${formatDuration(MIN_INTERVAL_MS)} and ${formatDuration(MAX_INTERVAL_MS)}` }];
  }
  if (offset === undefined) return [];
  const offsetMs = parseDuration(offset);
  if (offsetMs === undefined) return [{ path: at('offset'), message: `interval offset "${offset}" must be ${DURATION_HELP}` }];
  if (offsetMs >= everyMs) return [{ path: at('offset'), message: 'interval offset must be shorter than the interval' }];
  return [];
}

// ---- cron: 5 fields (minute hour day_of_month month day_of_week) or @hourly/@daily/@weekly/@monthly/@yearly ----

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DOW_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[]; base?: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, base: 1 },
  { name: 'day of week', min: 0, max: 6, names: DOW_NAMES, base: 0 },
];
const CRON_SHORTHANDS = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually'];

/** A message saying what is wrong with a cron expression, or undefined when it looks valid. */
export function cronError(expr: string): string | undefined {
  const text = expr.trim();
  if (CRON_SHORTHANDS.includes(text.toLowerCase())) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return `cron "${expr}" must have 5 fields (minute hour day_of_month month day_of_week) or be one of ${CRON_SHORTHANDS.join(', ')}`;
  }
  for (const [i, field] of fields.entries()) {
    const f = CRON_FIELDS[i];
    const value = (v: string): number | undefined => {
      if (/^\d{1,2}$/.test(v)) return Number(v);
      const at = f.names?.indexOf(v.toUpperCase()) ?? -1;
      return at >= 0 ? at + f.base! : undefined;
    };
    for (const part of field.split(',')) {
      const m = /^(\*|([^-/]+)(?:-([^-/]+))?)(?:\/(\d{1,2}))?$/.exec(part);
      const bad = `cron "${expr}": bad ${f.name} "${field}" (allowed: ${f.min}-${f.max}${f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : ''}, *, ranges a-b, lists a,b, steps /n)`;
      if (!m) return bad;
      if (m[4] !== undefined && Number(m[4]) < 1) return bad;
      if (m[1] === '*') continue;
      const lo = value(m[2]);
      const hi = m[3] === undefined ? lo : value(m[3]);
      if (lo === undefined || hi === undefined || lo < f.min || hi > f.max || hi < lo) return bad;
    }
  }
  return undefined;
}

const cronSchema = z.string().max(200);

// ---- calendars: structured cron, snake_case; months 1-12 or names, days of week 0-6 (Sunday = 0) or names ----

const rangeObject = z.object({ start: z.union([z.number(), z.string()]), end: z.union([z.number(), z.string()]).optional(), step: z.number().int().min(1).optional() }).strict();
const rangeItem = z.union([z.number().int(), z.string(), rangeObject]);
const calendarField = z.union([z.literal('*'), rangeItem, z.array(rangeItem).min(1).max(60)]);
const calendarSchema = z
  .object({
    second: calendarField.optional(),
    minute: calendarField.optional(),
    hour: calendarField.optional(),
    day_of_month: calendarField.optional(),
    month: calendarField.optional(),
    year: calendarField.optional(),
    day_of_week: calendarField.optional(),
    comment: z.string().max(200).optional(),
  })
  .strict();

const FULL_MONTHS: Month[] = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const FULL_DAYS: DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

interface CalendarFieldRule {
  key: keyof z.infer<typeof calendarSchema>;
  min: number;
  max: number;
  /** Accepted names (full or 3 letters) → the Temporal name; numbers map through `numbered`. */
  numbered?: string[];
  numberBase?: number;
}
const CALENDAR_RULES: CalendarFieldRule[] = [
  { key: 'second', min: 0, max: 59 },
  { key: 'minute', min: 0, max: 59 },
  { key: 'hour', min: 0, max: 23 },
  { key: 'day_of_month', min: 1, max: 31 },
  { key: 'month', min: 1, max: 12, numbered: FULL_MONTHS, numberBase: 1 },
  { key: 'year', min: 1970, max: 9999 },
  { key: 'day_of_week', min: 0, max: 6, numbered: FULL_DAYS, numberBase: 0 },
];

type Calendar = z.infer<typeof calendarSchema>;
type RangeItem = z.infer<typeof rangeItem>;

/** Converts one calendar value to Temporal's form, or returns an error message. */
function calendarValue(rule: CalendarFieldRule, item: RangeItem): { ok: true; value: unknown } | { ok: false; message: string } {
  const one = (v: number | string): { ok: true; value: number | string } | { ok: false; message: string } => {
    const allowed = `${rule.min}-${rule.max}${rule.numbered ? ` or a name such as ${rule.numbered[0]}` : ''}`;
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < rule.min || v > rule.max) return { ok: false, message: `${rule.key} must be ${allowed}` };
      return { ok: true, value: rule.numbered ? rule.numbered[v - rule.numberBase!] : v };
    }
    const name = rule.numbered?.find((n) => n === v.toUpperCase() || n.slice(0, 3) === v.toUpperCase());
    return name ? { ok: true, value: name } : { ok: false, message: `${rule.key} must be ${allowed}` };
  };
  if (typeof item !== 'object') return one(item);
  const start = one(item.start);
  if (!start.ok) return start;
  const end = item.end === undefined ? start : one(item.end);
  if (!end.ok) return end;
  return { ok: true, value: { start: start.value, end: end.value, ...(item.step ? { step: item.step } : {}) } };
}

/** A `second` field matching more than one second a minute would start runs more often than once a minute. */
function manySeconds(v: Calendar['second']): boolean {
  if (v === undefined) return false;
  if (v === '*') return true;
  const items = Array.isArray(v) ? v : [v];
  return items.length > 1 || items.some((i) => typeof i === 'object' && i.end !== undefined && i.end !== i.start);
}

function calendarErrors(cal: Calendar): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  if (manySeconds(cal.second)) errors.push({ path: 'second', message: 'second must be one value: a schedule runs at most once a minute' });
  for (const rule of CALENDAR_RULES) {
    const v = cal[rule.key];
    if (v === undefined || v === '*' || rule.key === 'comment') continue;
    for (const item of Array.isArray(v) ? v : [v as RangeItem]) {
      const r = calendarValue(rule, item);
      if (!r.ok) errors.push({ path: rule.key, message: r.message });
    }
  }
  return errors;
}

function toCalendarSpec(cal: Calendar): CalendarSpec {
  const out: Record<string, unknown> = {};
  const names: Record<string, string> = { day_of_month: 'dayOfMonth', day_of_week: 'dayOfWeek' };
  for (const rule of CALENDAR_RULES) {
    const v = cal[rule.key];
    if (v === undefined) continue;
    const key = names[rule.key] ?? rule.key;
    if (v === '*') out[key] = '*';
    else if (Array.isArray(v)) out[key] = v.map((item) => (calendarValue(rule, item) as { value: unknown }).value);
    else out[key] = (calendarValue(rule, v as RangeItem) as { value: unknown }).value;
  }
  if (cal.comment) out.comment = cal.comment;
  return out as CalendarSpec;
}

// ---- the spec ----

export function timezoneError(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `unknown time zone "${tz}"; use an IANA name such as "Europe/Berlin" or "UTC"`;
  }
}

const isoDateTime = (what: string) => z.iso.datetime({ offset: true, message: `${what} must be an ISO 8601 date-time such as 2025-01-31T02:00:00Z` });

export const scheduleSpecSchema = z
  .object({
    cron: z.union([cronSchema, z.array(cronSchema).min(1).max(20)]).optional(),
    interval: intervalSchema.optional(),
    calendars: z.array(calendarSchema).min(1).max(20).optional(),
    timezone: z
      .string()
      .min(1)
      .max(64)
      .superRefine((tz, ctx) => {
        const message = timezoneError(tz);
        if (message) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    start_at: isoDateTime('start_at').optional(),
    end_at: isoDateTime('end_at').optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.cron === undefined && spec.interval === undefined && spec.calendars === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give at least one of cron, interval or calendars', path: [] });
    }
    const crons = spec.cron === undefined ? [] : Array.isArray(spec.cron) ? spec.cron : [spec.cron];
    for (const [i, expr] of crons.entries()) {
      const message = cronError(expr);
      if (message) ctx.addIssue({ code: 'custom', message, path: Array.isArray(spec.cron) ? ['cron', i] : ['cron'] });
    }
    if (spec.interval !== undefined) {
      for (const e of intervalErrors(spec.interval)) ctx.addIssue({ code: 'custom', message: e.message, path: e.path });
    }
    for (const [i, cal] of (spec.calendars ?? []).entries()) {
      for (const e of calendarErrors(cal)) ctx.addIssue({ code: 'custom', message: e.message, path: ['calendars', i, e.path] });
    }
    if (spec.start_at && spec.end_at && Date.parse(spec.end_at) <= Date.parse(spec.start_at)) {
      ctx.addIssue({ code: 'custom', message: 'end_at must be after start_at', path: ['end_at'] });
    }
    if (spec.end_at && Date.parse(spec.end_at) <= Date.now()) {
      ctx.addIssue({ code: 'custom', message: 'end_at must be in the future', path: ['end_at'] });
    }
  });

export type ScheduleSpecRequest = z.infer<typeof scheduleSpecSchema>;

/** The request's spec in Temporal's terms. Call only on a validated spec. */
export function toTemporalSpec(spec: ScheduleSpecRequest): ScheduleSpec {
  const out: ScheduleSpec = {};
  if (spec.cron !== undefined) out.cronExpressions = (Array.isArray(spec.cron) ? spec.cron : [spec.cron]).map((c) => c.trim());
  if (spec.interval !== undefined) {
    const i = typeof spec.interval === 'string' ? { every: spec.interval } : spec.interval;
    out.intervals = [{ every: parseDuration(i.every)!, offset: i.offset === undefined ? 0 : parseDuration(i.offset)! }];
  }
  if (spec.calendars !== undefined) out.calendars = spec.calendars.map(toCalendarSpec);
  if (spec.timezone !== undefined) out.timezone = spec.timezone;
  if (spec.start_at !== undefined) out.startAt = new Date(spec.start_at);
  if (spec.end_at !== undefined) out.endAt = new Date(spec.end_at);
  return out;
}

// ---- requests ----

export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const DEFAULT_OVERLAP: OverlapPolicy = 'skip';
/** Runs missed (server down) by at most this much are still taken when it comes back; older ones are dropped. */
export const DEFAULT_CATCHUP_WINDOW = '10m';
/** Backfills run every missed time one after another unless told otherwise. */
export const DEFAULT_BACKFILL_OVERLAP: OverlapPolicy = 'buffer_all';

const overlapSchema = z.enum(OVERLAP_POLICIES, { message: `overlap must be one of ${OVERLAP_POLICIES.join(', ')}` });
const catchupSchema = duration('catchup_window', 10_000, 366 * DAY_MS);

const scheduleFields = {
  name: z.string().trim().min(1, 'name must not be empty').max(200).describe('Shown in lists').meta({ example: 'nightly sales' }),
  spec: scheduleSpecSchema,
  /** Exactly the body of POST /api/migrations, checked the same way; its errors carry a `migration.` prefix. */
  migration: createMigrationSchema,
  overlap: overlapSchema.optional().describe(`What a run due while the last one still runs does (default ${DEFAULT_OVERLAP})`),
  catchup_window: catchupSchema.optional().describe(`Runs missed (server down) by at most this much are still taken (default ${DEFAULT_CATCHUP_WINDOW})`),
  pause_on_failure: z.boolean().optional().describe('Pause the schedule when a run fails'),
};

export const createScheduleSchema = z
  .object({
    ...scheduleFields,
    paused: z.boolean().optional().describe('Create it paused'),
    note: z.string().max(1000).optional().describe('Why it is paused (shown in the Temporal UI)'),
  })
  .strict()
  .meta({
    id: 'CreateScheduleRequest',
    example: {
      name: 'nightly sales',
      spec: { cron: '0 2 * * *', timezone: 'Europe/Berlin' },
      migration: {
        name: 'nightly sales',
        source_type: 'SINGLESTORE',
        source_config: { table: 'sales_data' },
        destination_type: 'POSTGRES',
        destination_config: { table: 'sales_history' },
        options: { mode: 'incremental', cursor_column: 'updated_at' },
      },
    },
  });

export const patchScheduleSchema = z
  .object({
    name: scheduleFields.name.optional(),
    spec: scheduleSpecSchema.optional(),
    migration: createMigrationSchema.optional(),
    overlap: scheduleFields.overlap,
    catchup_window: scheduleFields.catchup_window,
    pause_on_failure: scheduleFields.pause_on_failure,
  })
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'give at least one of name, spec, migration, overlap, catchup_window, pause_on_failure',
  })
  .meta({ id: 'PatchScheduleRequest', example: { spec: { interval: { every: '30m', offset: '5m' } } } });

export type CreateScheduleRequest = z.infer<typeof createScheduleSchema>;
export type PatchScheduleRequest = z.infer<typeof patchScheduleSchema>;

function validateWith<T>(schema: z.ZodType<T>, body: unknown): Validated<T> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export function validateCreateSchedule(body: unknown): Validated<CreateScheduleRequest> {
  return validateWith(createScheduleSchema, body);
}

export function validatePatchSchedule(body: unknown): Validated<PatchScheduleRequest> {
  return validateWith(patchScheduleSchema, body);
}

/** A backfill starts every run its range holds at once (buffered): at most a year of them. */
export const MAX_BACKFILL_SPAN_MS = 366 * DAY_MS;

export const backfillSchema = z
  .object({
    start: isoDateTime('start').describe('Runs scheduled after this instant…'),
    end: isoDateTime('end').describe(`…up to this one (at most ${366} days later)`),
    overlap: overlapSchema.optional().describe(`Default ${DEFAULT_BACKFILL_OVERLAP}: one after another`),
  })
  .strict()
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= MAX_BACKFILL_SPAN_MS, {
    message: `a backfill spans at most ${formatDuration(MAX_BACKFILL_SPAN_MS)}; split a longer one`,
    path: ['end'],
  })
  .meta({ id: 'BackfillRequest', example: { start: '2026-01-01T00:00:00Z', end: '2026-01-08T00:00:00Z' } });
export type BackfillRequest = z.infer<typeof backfillSchema>;

export function validateBackfill(body: unknown): Validated<BackfillRequest> {
  return validateWith(backfillSchema, body);
}

export const noteSchema = z
  .object({ note: z.string().max(1000).optional().describe('Why (shown in the Temporal UI)') })
  .strict()
  .meta({ id: 'ScheduleNote', example: { note: 'source maintenance until Monday' } });
export function validateNote(body: unknown): Validated<{ note?: string }> {
  return validateWith(noteSchema, body ?? {});
}

// ---- responses ----

export const scheduledRunSchema = z.object({
  /** The run's workflow id: use it with /api/migrations/{id}. */
  migration_id: z.string().describe('The run\'s migration id: use it with /api/migrations/{id}'),
  scheduled_at: z.string(),
  started_at: z.string(),
  /** null when the run is no longer known to Temporal (past retention). */
  status: z.enum(MIGRATION_STATUSES).nullable().describe('null when the run is no longer known to Temporal (past retention)'),
});
export type ScheduledRunView = z.infer<typeof scheduledRunSchema>;

export const scheduleViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    spec: scheduleSpecSchema,
    migration: createMigrationSchema,
    overlap: z.string().describe(`One of ${OVERLAP_POLICIES.join(', ')}`),
    catchup_window: z.string(),
    pause_on_failure: z.boolean(),
    paused: z.boolean(),
    note: z.string().nullable(),
    next_run_times: z.array(z.string()),
    /** Newest first, at most 5. */
    recent_runs: z.array(scheduledRunSchema).describe('Newest first, at most 5'),
    running_runs: z.array(z.string()),
    actions_taken: z.number(),
    /** Incremental migrations: the cursor value the next run starts after (advanced by each successful run). */
    high_water_mark: z.union([z.string(), z.number()]).nullable().describe('Incremental migrations: the mark the next run starts from (advanced by each successful run)'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: 'Schedule',
    example: {
      id: 'sched-5e1f3a2b-7c4d-4e9f-8a6b-0c1d2e3f4a5b',
      name: 'nightly sales',
      spec: { cron: '0 2 * * *', timezone: 'Europe/Berlin' },
      migration: {
        name: 'nightly sales',
        source_type: 'SINGLESTORE',
        source_config: { table: 'sales_data' },
        destination_type: 'POSTGRES',
        destination_config: { table: 'sales_history' },
        options: { mode: 'incremental', cursor_column: 'updated_at' },
      },
      overlap: 'skip',
      catchup_window: '10m',
      pause_on_failure: false,
      paused: false,
      note: null,
      next_run_times: ['2026-02-01T01:00:00.000Z', '2026-02-02T01:00:00.000Z'],
      recent_runs: [
        { migration_id: 'sched-5e1f…-2026-01-31T01:00:00Z', scheduled_at: '2026-01-31T01:00:00.000Z', started_at: '2026-01-31T01:00:00.120Z', status: 'completed' },
      ],
      running_runs: [],
      actions_taken: 12,
      high_water_mark: '2026-01-31T00:59:58.000Z',
      created_at: '2026-01-20T09:00:00.000Z',
      updated_at: '2026-01-20T09:00:00.000Z',
    },
  });
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

export const scheduleListSchema = z.object({ schedules: z.array(scheduleViewSchema).describe('Newest first') }).meta({ id: 'ScheduleList' });
