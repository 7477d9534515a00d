/**
 * Histories recorded by earlier versions of the workflow replay against today's code without a
 * determinism error: runs in flight when a worker is upgraded keep the steps they started with
 * (the `patched()` gates in workflows/migration.ts). Fixtures are real runs of the end-to-end tests,
 * recorded with RECORD_HISTORY_DIR (test/support/migrations.ts): `remote-setup-*` by commit 81ee0cf
 * (setup as regular activities, source tallied during the key build, verifyCounts), `local-setup-*`
 * by the code that made setup local and took both tallies by the finish, `inclusive-window-*` by the code whose
 * incremental windows include the mark and skip fingerprinted rows (incremental runs only). Each set covers MariaDB → PostgreSQL,
 * incremental runs into both destinations, Hydrolix full copies, a failed run and a retried run that
 * carried its state.
 * `published-progress-*` (runs that publish their progress in the memo): a failed run, its retry, a reset run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';

const DIR = join(__dirname, '..', 'fixtures', 'histories');
// Binary protobuf (History.encode), as fetched from the server.
const files = readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

it('replays every recorded history against the current workflow code', { timeout: 120_000 }, async () => {
  expect(files.length).toBeGreaterThanOrEqual(12);
  const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, '..', '..', 'workflows', 'index.ts'), logger: undefined });
  const histories = files.map((f) => ({ workflowId: f.replace(/\.binpb$/, ''), history: temporal.api.history.v1.History.decode(readFileSync(join(DIR, f))) }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    replayed++;
    if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
