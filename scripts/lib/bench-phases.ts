/**
 * A migration's phases from its workflow history, for the bench's table: the setup steps (local
 * activities, each known by the completion time its marker records), the copy, the finish (the
 * deferred primary key, with the destination's tally taken meanwhile) and verification.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const T = temporal.api.enums.v1.EventType;

export interface Phases {
  /** Workflow start → first regular activity scheduled: connections, schema, planning, table creation. */
  setup: number;
  /** The planChunks local activity alone (undefined when its marker carries no times). */
  plan?: number;
  /** First copyChunk scheduled → last one closed. */
  copy?: number;
  /** The finish activity (PostgreSQL: the deferred primary key, the destination tally alongside). */
  finish?: number;
  /** tallySource, when planning left the source's tally to be taken alongside the copy or the finish. */
  sourceTally?: number;
  /** verifyCounts, when the tallies in hand did not settle it. */
  verify?: number;
  total: number;
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** A protobuf Timestamp as JSON: an RFC 3339 string or {seconds, nanos}. */
function jsonTime(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  if (v && typeof v === 'object' && 'seconds' in v) return ms(v as { seconds?: unknown; nanos?: number });
  return undefined;
}

interface LocalMarker {
  type: string;
  completed?: number;
  scheduled?: number;
}

/** The SDK's local-activity marker: `data` holds LocalActivityMarkerData as JSON. */
function localMarker(e: temporal.api.history.v1.IHistoryEvent): LocalMarker | null {
  const attrs = e.markerRecordedEventAttributes;
  if (attrs?.markerName !== 'core_local_activity') return null;
  const raw = attrs.details?.data?.payloads?.[0]?.data;
  if (!raw) return null;
  try {
    const d = JSON.parse(Buffer.from(raw).toString('utf8')) as Record<string, unknown>;
    return {
      type: String(d.activity_type ?? d.activityType ?? '?'),
      completed: jsonTime(d.complete_time ?? d.completeTime),
      scheduled: jsonTime(d.original_schedule_time ?? d.originalScheduleTime),
    };
  } catch {
    return null;
  }
}

export async function migrationPhases(client: Client, workflowId: string): Promise<Phases> {
  return phasesOf((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []);
}

/** The phases of a workflow's history events. */
export function phasesOf(events: temporal.api.history.v1.IHistoryEvent[]): Phases {
  const start = ms(events[0]?.eventTime);
  const end = ms(events[events.length - 1]?.eventTime);
  const scheduled = new Map<number, { type: string; at: number }>();
  const spans = new Map<string, { from: number; to: number }>();
  const locals: LocalMarker[] = [];
  let firstScheduled: number | undefined;
  for (const e of events) {
    const at = ms(e.eventTime);
    const marker = localMarker(e);
    if (marker) locals.push(marker);
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      firstScheduled ??= at;
      scheduled.set(Number(e.eventId), { type: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?', at });
    }
    const closedOf =
      e.activityTaskCompletedEventAttributes?.scheduledEventId ??
      e.activityTaskFailedEventAttributes?.scheduledEventId ??
      e.activityTaskTimedOutEventAttributes?.scheduledEventId;
    const s = closedOf == null ? undefined : scheduled.get(Number(closedOf));
    if (!s) continue;
    const span = spans.get(s.type) ?? { from: s.at, to: at };
    spans.set(s.type, { from: Math.min(span.from, s.at), to: Math.max(span.to, at) });
  }
  // Local activities run one after another (times from the worker's clock): planning ends at its
  // completion and starts where the step before it completed (else where it was first scheduled).
  let i = locals.length - 1;
  while (i >= 0 && locals[i].type !== 'planChunks') i--;
  const planEnd = locals[i]?.completed;
  const planStart = (i > 0 ? locals[i - 1].completed : undefined) ?? locals[i]?.scheduled;
  const secs = (s?: { from: number; to: number }) => (s ? (s.to - s.from) / 1000 : undefined);
  return {
    setup: ((firstScheduled ?? end) - start) / 1000,
    plan: planEnd !== undefined && planStart !== undefined ? (planEnd - planStart) / 1000 : undefined,
    copy: secs(spans.get('copyChunk')),
    finish: secs(spans.get('finishAndTallyDestination') ?? spans.get('finishDestinationTable')),
    sourceTally: secs(spans.get('tallySource')),
    verify: secs(spans.get('verifyCounts')),
    total: (end - start) / 1000,
  };
}

const f = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));

export function formatPhases(p: Phases): string {
  return `phases: setup ${f(p.setup)} s (planning ${f(p.plan)}), copy ${f(p.copy)}, finish (key build + tally) ${f(p.finish)}, source tally ${f(p.sourceTally)}, verify ${f(p.verify)}, total ${f(p.total)}`;
}
