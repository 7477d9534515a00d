/**
 * Short workflows that run the catalog and the dry-run plan on a worker (which alone holds the
 * connection settings) and return at once. Each is one local activity: no history beyond the
 * marker, no retries (the caller asks again), and a failure comes back as data (a class and the
 * object concerned), never as a database's error text.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { ColumnsRequest, SchemaActivities, TablesRequest } from '../activities/catalog';
import type { MigrationInput } from './types';

export const CATALOG_WORKFLOW = 'catalogWorkflow';
export const PLAN_WORKFLOW = 'planWorkflow';

const quick = proxyLocalActivities<SchemaActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

export type CatalogRequest =
  | { kind: 'connectors' }
  | ({ kind: 'tables' } & TablesRequest)
  | ({ kind: 'columns' } & ColumnsRequest);

type Result<K extends keyof SchemaActivities> = Awaited<ReturnType<SchemaActivities[K]>>;
export type CatalogAnswer = Result<'describeConnectors'> | Result<'listSourceTables'> | Result<'describeSourceTable'>;
export type PlanAnswer = Result<'planMigration'>;

export async function catalogWorkflow(req: CatalogRequest): Promise<CatalogAnswer> {
  switch (req.kind) {
    case 'connectors':
      return quick.describeConnectors();
    case 'tables': {
      const { kind: _, ...tables } = req;
      return quick.listSourceTables(tables);
    }
    case 'columns': {
      const { kind: _, ...columns } = req;
      return quick.describeSourceTable(columns);
    }
  }
}

/** The plan of a migration input (activities/plan.ts): nothing is written at either end. */
export async function planWorkflow(input: MigrationInput): Promise<PlanAnswer> {
  return quick.planMigration(input);
}
