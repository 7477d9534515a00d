/**
 * News from activities to their run: what the run's current details say about it (pure), and how
 * often activities signal it (a real HTTP retry loop against a local server answering 503, and a
 * chunk heartbeating fast): rows go out at most every 10 s, trouble within 2 s, each run's news in
 * one signal.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunNewsReporter } from '../../activities/run-news';
import { HttpClient } from '../../connectors/hydrolix/http';
import { applyNews, chunkFinished, currentDetails, newNewsBoard, type RunNews } from '../../workflows/news';
import { initialState, type MigrationState } from '../../workflows/types';

function copying(): MigrationState {
  return {
    ...initialState(),
    phase: 'copying',
    plan: { boundaries: [[250_000], [500_000], [750_000]], rowsTotal: 1_000_000, tally: { rows: 1_000_000, keySum: null } },
    doneChunks: { 0: 250_000 },
    rowsCopied: 250_000,
    copyStartedAt: 0,
    target: 'epic_shelter.sales_history',
  };
}

describe('current details', () => {
  it('adds rows of chunks in flight to rows, rate and ETA, and lists trouble until it is over', () => {
    const state = copying();
    const board = newNewsBoard();
    applyNews(board, state, [
      { kind: 'chunk', chunk: 1, rows: 100_000 },
      { kind: 'chunk', chunk: 0, rows: 1 }, // late heartbeat of a finished chunk: ignored
      { kind: 'trouble', about: 'Hydrolix ingest into epic_shelter.sales_history', message: 'Hydrolix ingest into epic_shelter.sales_history answering 503', retryAt: 18_000, at: 10_000, chunk: 1 },
    ]);
    expect(currentDetails(state, board, 10_000)).toBe(
      [
        '**Copying**',
        '350,000 of 1,000,000 rows copied · 1 of 4 chunks done, 1 in flight · 35,000 rows/s · about 19 s left',
        'Target: epic_shelter.sales_history',
        '⚠ Hydrolix ingest into epic_shelter.sales_history answering 503, retrying in 8 s (chunk 2)',
      ].join('\n'),
    );
    // The chunk finishes: its rows move into the state, its trouble is over.
    state.doneChunks[1] = 250_000;
    state.rowsCopied += 250_000;
    chunkFinished(board, 1);
    const after = currentDetails(state, board, 20_000);
    expect(after).toContain('500,000 of 1,000,000 rows copied · 2 of 4 chunks done · 25,000 rows/s · about 20 s left');
    expect(after).not.toContain('⚠');
  });

  it('drops trouble on recovery and says how a failed run ended', () => {
    const state = copying();
    const board = newNewsBoard();
    applyNews(board, state, [{ kind: 'trouble', about: 'Hydrolix login', message: 'Hydrolix login unreachable (ECONNREFUSED)', retryAt: 2_000, at: 1_000 }]);
    expect(currentDetails(state, board, 1_000)).toContain('⚠ Hydrolix login unreachable (ECONNREFUSED), retrying in 1 s');
    applyNews(board, state, [{ kind: 'recovered', about: 'Hydrolix login' }]);
    state.phase = 'failed';
    state.error = 'table sales does not exist';
    expect(currentDetails(state, board, 3_000).split('\n')[0]).toBe('**Failed**: table sales does not exist');
  });
});

describe('signals to the run', () => {
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(requests <= 2 ? 503 : 200, requests <= 2 ? { 'retry-after': '0' } : {}).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('batches heartbeat rows and HTTP retries of one run, rows at most every 10 s, trouble within 2 s', { timeout: 20_000 }, async () => {
    const signals: Array<{ at: number; workflowId: string; runId?: string; news: RunNews[] }> = [];
    const client = {
      workflow: {
        getHandle: (workflowId: string, runId?: string) => ({
          signal: async (_def: unknown, news: RunNews[]) => void signals.push({ at: Date.now(), workflowId, runId, news }),
        }),
      },
    } as unknown as Client;
    const reporter = new RunNewsReporter(async () => client);
    const http = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { maxRetries: 5, baseMs: 10 });
    const copy = reporter.wrap(
      async (_input: { chunkIndex: number }) => {
        const ctx = Context.current();
        for (let i = 1; i <= 50; i++) {
          ctx.heartbeat({ cursor: null, rows: i * 10 });
          await new Promise((r) => setTimeout(r, 5));
        }
        return (await http.send({ method: 'GET', path: '/', what: 'probe' })).status;
      },
      (input) => input.chunkIndex,
    );
    const started = Date.now();
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'mig-news', runId: 'run-1' } });
    expect(await env.run(copy, { chunkIndex: 2 })).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500 - (Date.now() - started)));
    await http.close();

    // The first heartbeat at once; then one signal 2 s later with the latest rows and the trouble's outcome.
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.workflowId === 'mig-news' && s.runId === 'run-1')).toBe(true);
    expect(signals[0].news).toEqual([{ kind: 'chunk', chunk: 2, rows: 10, skipped: 0 }]);
    expect(signals[1].at - signals[0].at).toBeGreaterThanOrEqual(1_900);
    expect(signals[1].news).toEqual(
      expect.arrayContaining([
        { kind: 'chunk', chunk: 2, rows: 500, skipped: 0 },
        { kind: 'recovered', about: 'Hydrolix probe' },
      ]),
    );
    expect(signals[1].news).toHaveLength(2);
  });
});
