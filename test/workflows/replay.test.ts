/**
 * Every released version's recorded histories replay against the current workflow code without a
 * determinism error: a run a release started, still open when workers are upgraded, goes on under
 * the new code. Fixtures live in test/fixtures/histories/v<release>/ (recorded by
 * record-histories.test.ts when the release was cut, never re-recorded); a change to the workflow
 * that breaks one must be versioned (README, Upgrades).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';

const ROOT = join(__dirname, '..', 'fixtures', 'histories');
const releases = readdirSync(ROOT).filter((d) => /^v\d+\.\d+\.\d+$/.test(d));
const fixtures = releases.flatMap((release) =>
  readdirSync(join(ROOT, release))
    .filter((f) => f.endsWith('.binpb'))
    .map((f) => ({ release, name: f.replace(/\.binpb$/, ''), file: join(ROOT, release, f) })),
);

it('replays every released history against the current workflow code', { timeout: 120_000 }, async () => {
  expect(releases).toContain('v0.1.0');
  // The release's scenarios: copies into both destinations, failed, retried, cancelled, continued as new, scheduled incremental.
  expect(fixtures.filter((f) => f.release === 'v0.1.0').map((f) => f.name).sort()).toEqual([
    'cancelled-run',
    'continue-as-new-first-run',
    'continue-as-new-last-run',
    'continue-as-new-middle-run',
    'failed-run',
    'full-hydrolix-3-chunks',
    'full-postgres-3-chunks',
    'incremental-schedule-run',
    'retried-run-carried-state',
  ]);
  const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, '..', '..', 'workflows', 'index.ts'), logger: undefined });
  const histories = fixtures.map((f) => ({ workflowId: `${f.release}/${f.name}`, history: temporal.api.history.v1.History.decode(readFileSync(f.file)) }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    replayed++;
    if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(fixtures.length);
});
