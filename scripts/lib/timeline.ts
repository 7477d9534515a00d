/**
 * Where one workflow's wall time went, from its history: each activity type's span (first
 * scheduled → last closed) and the time spent in it, so a bench shows the fixed phases beside
 * the copy. The copy's lanes overlap, so its span is what counts, not the sum.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const T = temporal.api.enums.v1.EventType;

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

export interface HistorySpans {
  /** Workflow start and last event, epoch ms. */
  start: number;
  end: number;
  /** Per activity type: first scheduled → last closed, how many, and when each closed. */
  spans: Map<string, { from: number; to: number; n: number; ends: number[] }>;
  /** Local activities (setup steps) and when the first regular activity was scheduled. */
  locals: number;
  firstScheduled?: number;
  taskFaults: number;
}

export async function historySpans(client: Client, workflowId: string): Promise<HistorySpans> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const start = ms(events[0]?.eventTime);
  const scheduled = new Map<number, { type: string; at: number }>();
  const spans = new Map<string, { from: number; to: number; n: number; ends: number[] }>();
  let locals = 0;
  let taskFaults = 0;
  let firstScheduled: number | undefined;
  for (const e of events) {
    const at = ms(e.eventTime);
    // Local activities leave a marker each, no scheduled/closed events; count them.
    const local = e.markerRecordedEventAttributes?.markerName === 'core_local_activity';
    if (local) locals++;
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT || e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_FAILED) taskFaults++;
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT || e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_FAILED) taskFaults++;
    if (firstScheduled === undefined && e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) firstScheduled = at;
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      scheduled.set(Number(e.eventId), { type: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?', at });
    }
    const closedOf =
      e.activityTaskCompletedEventAttributes?.scheduledEventId ??
      e.activityTaskFailedEventAttributes?.scheduledEventId ??
      e.activityTaskTimedOutEventAttributes?.scheduledEventId;
    if (closedOf != null) {
      const s = scheduled.get(Number(closedOf));
      if (!s) continue;
      const span = spans.get(s.type) ?? { from: s.at, to: at, n: 0, ends: [] };
      span.from = Math.min(span.from, s.at);
      span.to = Math.max(span.to, at);
      span.n++;
      span.ends.push(at);
      spans.set(s.type, span);
    }
  }
  return { start, end: ms(events[events.length - 1]?.eventTime), spans, locals, firstScheduled, taskFaults };
}

/** One line: the history's length and each activity type's span. */
export function formatSpans(h: HistorySpans): string {
  // Parallel activities: when each ended, from the first one's scheduling (lanes ending apart = idle cores).
  const ends = (s: { from: number; ends: number[] }) => (s.ends.length > 1 ? ` (ended at ${s.ends.map((t) => ((t - s.from) / 1000).toFixed(2)).join(', ')})` : '');
  const parts = [...h.spans.entries()].map(([type, s]) => `${type}${s.n > 1 ? `×${s.n}` : ''} ${((s.to - s.from) / 1000).toFixed(2)}${ends(s)}`);
  // Setup steps run as local activities: their time is the start up to the first scheduled activity.
  if (h.locals > 0 && h.firstScheduled !== undefined) parts.unshift(`${h.locals} local setup steps ${((h.firstScheduled - h.start) / 1000).toFixed(2)}`);
  // A timed-out or failed task explains a slow run (a workflow task timeout alone stalls it 10 s).
  if (h.taskFaults > 0) parts.push(`${h.taskFaults} timed-out/failed task(s)`);
  return `history ${((h.end - h.start) / 1000).toFixed(2)} s: ${parts.join(', ')}`;
}

export async function timeline(client: Client, workflowId: string): Promise<string> {
  return formatSpans(await historySpans(client, workflowId));
}
