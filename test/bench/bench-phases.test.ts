/** The bench's phases from a history: local-activity markers as the SDK records them (copied from a dev-server run), activity spans. */
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { formatPhases, phasesOf } from '../../scripts/lib/bench-phases';

const T = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
let id = 0;
const event = (ms: number, e: Partial<Event>): Event => ({ eventId: ++id, eventTime: at(ms), ...e }) as Event;

/** A local activity's marker: LocalActivityMarkerData as JSON, times as {seconds, nanos}. */
function marker(ms: number, type: string, scheduled: number, completed: number): Event {
  const data = { seq: 1, attempt: 1, activity_id: '1', activity_type: type, complete_time: at(completed), backoff: null, original_schedule_time: at(scheduled) };
  return event(ms, {
    eventType: T.EVENT_TYPE_MARKER_RECORDED,
    markerRecordedEventAttributes: { markerName: 'core_local_activity', details: { data: { payloads: [{ data: Buffer.from(JSON.stringify(data)) }] } } },
  });
}

function activity(type: string, from: number, to: number): Event[] {
  const s = event(from, { eventType: T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, activityTaskScheduledEventAttributes: { activityType: { name: type } } });
  return [s, event(to, { eventType: T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, activityTaskCompletedEventAttributes: { scheduledEventId: s.eventId } })];
}

describe('phasesOf', () => {
  it('times planning from the markers and the copy, finish and tally from the activities', () => {
    const t0 = 1_796_032_037_000;
    const events: Event[] = [
      event(t0, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED }),
      // Markers are written when the workflow task completes, after all four ran.
      marker(t0 + 1080, 'checkConnections', t0 + 136, t0 + 142),
      marker(t0 + 1080, 'readSourceSchema', t0 + 224, t0 + 305),
      marker(t0 + 1080, 'planChunks', t0 + 401, t0 + 768),
      marker(t0 + 1080, 'createDestinationTable', t0 + 867, t0 + 917),
      ...activity('copyChunk', t0 + 1100, t0 + 3000),
      ...activity('tallySource', t0 + 1100, t0 + 2500),
      ...activity('copyChunk', t0 + 1100, t0 + 3100),
      ...activity('finishAndTallyDestination', t0 + 3120, t0 + 3900),
      event(t0 + 3950, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED }),
    ];
    const p = phasesOf(events);
    expect(p).toEqual({ setup: 1.1, plan: 0.463, copy: 2, finish: 0.78, sourceTally: 1.4, verify: undefined, total: 3.95 });
    expect(formatPhases(p)).toBe(
      'phases: setup 1.10 s (planning 0.46), copy 2.00, finish (key build + tally) 0.78, source tally 1.40, verify –, total 3.95',
    );
  });

  it('leaves planning out when no marker names it', () => {
    const p = phasesOf([event(0, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED }), ...activity('copyChunk', 500, 900)]);
    expect(p.plan).toBeUndefined();
    expect(p.setup).toBe(0.5);
  });
});
