/**
 * Publishing a run's progress from the workflow: the memo after every state change worth showing
 * (a phase, a finished chunk, the end), `MigrationStatus` whenever the status changes (`running`
 * once the first step starts, then how the run ended), and the current details the Web UI shows.
 * Memo and attribute updates are history events, written with the workflow task that made the
 * change, so the published state is never older than the workflow's own; current details are not
 * (they are read with the `__temporal_workflow_metadata` query), so news refreshes them freely.
 */
import { setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { currentDetails, type NewsBoard } from './news';
import { PROGRESS_MEMO, publishedProgress, publishedStatus, SEARCH_ATTRIBUTES } from './published';
import type { MigrationState } from './types';

export interface Publisher {
  /** After a change of state: memo, status attribute and current details. */
  (): void;
  /** After news (heartbeat rows, trouble): the current details only. */
  details(): void;
}

export function progressPublisher(state: MigrationState, board: NewsBoard): Publisher {
  let last = '';
  const details = () => setCurrentDetails(currentDetails(state, board, Date.now()));
  const publish = () => {
    details();
    const progress = publishedProgress(state);
    const text = JSON.stringify(progress);
    if (text === last) return;
    last = text;
    upsertMemo({ [PROGRESS_MEMO]: progress });
    setStatus(publishedStatus(state.phase));
  };
  return Object.assign(publish, { details });
}

function setStatus(status: string): void {
  const current = workflowInfo().typedSearchAttributes.get(SEARCH_ATTRIBUTES.status);
  // Only a run started with the attribute may set it: it is then registered in the namespace
  // (an unregistered one would fail the workflow task, over and over).
  if (current === undefined || current === status) return;
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: status }]);
}
