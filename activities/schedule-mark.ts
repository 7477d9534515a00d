/**
 * Incremental high-water marks live in the schedule itself: after a successful run, the
 * schedule's action input is updated with the new mark and the fingerprints of the rows read at
 * and just below it (workflows/incremental.ts), so the next run reads from there without loss
 * and skips what this one delivered.
 * Durable (Temporal), exact (the source's own value), visible in the Web UI, and no extra
 * table to keep in step with the destination.
 */
import type { Client, ScheduleDescription, ScheduleUpdateOptions } from '@temporalio/client';
import type { AdvanceMarkInput, MigrationInput } from '../workflows/types';

export function advanceScheduleMarkActivity(client: () => Promise<Client>) {
  return async function advanceScheduleMark({ scheduleId, highWaterMark, boundaryFingerprints }: AdvanceMarkInput): Promise<void> {
    const handle = (await client()).schedule.getHandle(scheduleId);
    await handle.update((prev: ScheduleDescription) => {
      const action = prev.action as unknown as { args?: unknown[] } & Record<string, unknown>;
      const [input] = (action.args ?? []) as [MigrationInput];
      // A set from an earlier mark must not travel with this one: absent, the next run skips nothing.
      const { boundaryFingerprints: _old, ...options } = input.options;
      const next = { ...input, options: { ...options, highWaterMark, ...(boundaryFingerprints !== undefined ? { boundaryFingerprints } : {}) } };
      return { ...prev, action: { ...action, args: [next] } } as unknown as ScheduleUpdateOptions;
    });
  };
}
