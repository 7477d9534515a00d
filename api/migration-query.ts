/**
 * Temporal visibility queries for migration lists: our workflow type on our task queue, one
 * entry per run that is not a continue-as-new hand-over, narrowed by the list's filters.
 */
import { MIGRATION_WORKFLOW } from '../workflows/types';
import { SEARCH_ATTRIBUTES } from '../workflows/published';
import { type MigrationStatus, nameWords } from './schemas';

export interface ListFilter {
  statuses?: MigrationStatus[];
  sourceType?: string;
  destinationType?: string;
  name?: string;
  scheduleId?: string;
}

/** A string literal for a visibility query. */
export function literal(s: string): string {
  return `'${s.replace(/['\\]/g, '\\$&')}'`;
}

/** The filters that need the migration search attributes (registered in the namespace). */
export function needsSearchAttributes(f: ListFilter): string[] {
  return [f.name !== undefined && 'name', f.sourceType !== undefined && 'source_type', f.destinationType !== undefined && 'destination_type'].filter(
    (x): x is string => typeof x === 'string',
  );
}

export function ownRuns(taskQueue: string): string {
  return `WorkflowType = ${literal(MIGRATION_WORKFLOW)} AND TaskQueue = ${literal(taskQueue)}`;
}

/**
 * `withStatusAttribute`: MigrationStatus tells pending from running runs; without it both are
 * ExecutionStatus Running and the caller tells them apart from what the runs published.
 */
export function listQuery(taskQueue: string, f: ListFilter, withStatusAttribute: boolean): string {
  const parts = [ownRuns(taskQueue), `ExecutionStatus != 'ContinuedAsNew'`];
  if (f.statuses && f.statuses.length > 0) {
    const clauses = [...new Set(f.statuses.map((s) => statusClause(s, withStatusAttribute)))];
    parts.push(clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`);
  }
  if (f.sourceType !== undefined) parts.push(`${SEARCH_ATTRIBUTES.sourceType.name} = ${literal(f.sourceType)}`);
  if (f.destinationType !== undefined) parts.push(`${SEARCH_ATTRIBUTES.destinationType.name} = ${literal(f.destinationType)}`);
  // Full-text attribute: each word must occur in the name (any case).
  if (f.name !== undefined) for (const w of nameWords(f.name)) parts.push(`${SEARCH_ATTRIBUTES.name.name} = ${literal(w)}`);
  if (f.scheduleId !== undefined) parts.push(`TemporalScheduledById = ${literal(f.scheduleId)}`);
  return parts.join(' AND ');
}

function statusClause(s: MigrationStatus, withStatusAttribute: boolean): string {
  const attr = SEARCH_ATTRIBUTES.status.name;
  switch (s) {
    case 'pending':
      return withStatusAttribute ? `(ExecutionStatus = 'Running' AND ${attr} = 'pending')` : `ExecutionStatus = 'Running'`;
    case 'running':
      // Runs started without the attribute (before it existed) are running as far as the query can tell.
      return withStatusAttribute ? `(ExecutionStatus = 'Running' AND (${attr} IS NULL OR ${attr} != 'pending'))` : `ExecutionStatus = 'Running'`;
    case 'completed':
      return `ExecutionStatus = 'Completed'`;
    case 'failed':
      return `ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`;
    case 'cancelled':
      return `ExecutionStatus = 'Canceled'`;
  }
}

/** Every run of these migrations, whatever its status (to find each one's latest run and count its runs). */
export function runsQuery(taskQueue: string, ids: string[]): string {
  return `${ownRuns(taskQueue)} AND WorkflowId IN (${ids.map(literal).join(', ')})`;
}
