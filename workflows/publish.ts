/**
 * Publishing a run's progress from the workflow: the memo after every state change worth showing
 * (a phase, a finished chunk, the end), and `MigrationStatus = running` once the first step starts.
 * Each update is one history event, written with the workflow task that made the change, so the
 * published state is never older than the workflow's own.
 */
import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { PROGRESS_MEMO, publishedProgress, SEARCH_ATTRIBUTES } from './published';
import type { MigrationState } from './types';

/** `enabled` is false when replaying a history recorded before runs published their progress. */
export function progressPublisher(state: MigrationState, enabled: boolean): () => void {
  let last = '';
  return () => {
    if (!enabled) return;
    const progress = publishedProgress(state);
    const text = JSON.stringify(progress);
    if (text === last) return;
    last = text;
    upsertMemo({ [PROGRESS_MEMO]: progress });
    if (progress.phase !== 'pending') markRunning();
  };
}

function markRunning(): void {
  const current = workflowInfo().typedSearchAttributes.get(SEARCH_ATTRIBUTES.status);
  // Only a run started with the attribute may set it: it is then registered in the namespace
  // (an unregistered one would fail the workflow task, over and over).
  if (current === undefined || current === 'running') return;
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'running' }]);
}
