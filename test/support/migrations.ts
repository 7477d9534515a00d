import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { expect } from 'vitest';
import { api, type Stack } from './stack';
import { StopWaiting, waitFor } from './wait';

export const TERMINAL = ['completed', 'failed', 'cancelled'];

export async function getMigration(stack: Stack, id: string) {
  return (await api(stack.app, 'GET', `/api/migrations/${id}`)).body;
}

/**
 * Waits for the migration to reach one of `statuses`; a different terminal status stops the wait.
 * With RECORD_HISTORY_DIR set, a completed or failed run's history is saved there (binary
 * protobuf), to become a fixture of test/workflows/replay.test.ts.
 */
export async function waitForStatus(stack: Stack, id: string, statuses: string[], timeoutMs = 240_000) {
  const reached = await waitForStatusOnly(stack, id, statuses, timeoutMs);
  const dir = process.env.RECORD_HISTORY_DIR;
  if (dir && ['completed', 'failed'].includes(reached.status)) {
    const history = await stack.temporal.client.workflow.getHandle(id).fetchHistory();
    writeFileSync(join(dir, `${reached.status}-${id}.binpb`), temporal.api.history.v1.History.encode(history).finish());
  }
  return reached;
}

async function waitForStatusOnly(stack: Stack, id: string, statuses: string[], timeoutMs: number) {
  return waitFor(
    async () => {
      const s = await getMigration(stack, id);
      if (statuses.includes(s.status)) return s;
      if (TERMINAL.includes(s.status) && s.status !== 'running') {
        throw new StopWaiting(`migration ended ${s.status} (${s.error}) while waiting for ${statuses.join('/')}`);
      }
      return undefined;
    },
    timeoutMs,
    `migration ${id} to be ${statuses.join('/')}`,
    150,
  );
}

export async function waitForChunks(stack: Stack, id: string, chunks: number, timeoutMs = 120_000) {
  return waitFor(
    async () => {
      const s = await getMigration(stack, id);
      if (TERMINAL.includes(s.status)) throw new StopWaiting(`migration ended ${s.status} (${s.error}) before ${chunks} chunks`);
      return s.chunks_done >= chunks ? s : undefined;
    },
    timeoutMs,
    `${chunks} finished chunks`,
    100,
  );
}

/** Every source id exactly once at the destination; returns how many rows the emulator was sent beyond that. */
export function expectExactlyOnce(stack: Stack, project: string, table: string, rows: number, idColumn = 'id') {
  const stored = stack.emulator.state.rows(project, table).rows;
  const ids = stored.map((r) => String(r[idColumn]));
  expect(ids.length).toBe(rows);
  expect(new Set(ids).size).toBe(rows);
  return stack.emulator.state.getStats().rowsReceived - rows;
}
