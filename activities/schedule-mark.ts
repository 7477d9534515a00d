/**
 * Incremental high-water marks live in the schedule itself: after a successful run, the
 * schedule's action input is updated so the next run starts after this run's window.
 * Durable (Temporal), exact (the source's own value), visible in the Web UI, and no extra
 * table to keep in step with the destination.
 */
import type { Client, ScheduleDescription, ScheduleUpdateOptions } from '@temporalio/client';
import type { AdvanceMarkInput, MigrationInput } from '../workflows/types';

export function advanceScheduleMarkActivity(client: () => Promise<Client>) {
  return async function advanceScheduleMark({ scheduleId, highWaterMark }: AdvanceMarkInput): Promise<void> {
    const handle = (await client()).schedule.getHandle(scheduleId);
    await handle.update((prev: ScheduleDescription) => {
      const action = prev.action as unknown as { args?: unknown[] } & Record<string, unknown>;
      const [input] = (action.args ?? []) as [MigrationInput];
      const next = { ...input, options: { ...input.options, highWaterMark } };
      return { ...prev, action: { ...action, args: [next] } } as unknown as ScheduleUpdateOptions;
    });
  };
}
