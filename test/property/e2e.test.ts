/**
 * One generated property end to end: a generated MariaDB table migrated through the API, a real
 * Temporal dev server and an in-process worker into PostgreSQL and into the Hydrolix emulator.
 * The run must complete with every value as MariaDB holds it (under the documented mappings and
 * the run's own `warnings`), or fail when a value cannot be stored (expected.ts refusals). Few
 * cases: each is two whole migrations.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
import { count, HDX_PROJECT, hydrolixVerdict, openHarness, PG_SCHEMA, postgresVerdict, sourceRefusal, stats, tag, type Harness } from './harness';
import { createAndFill, q, readTruth } from './mariadb-table';
import { params, timeout } from './settings';
import { tableCase, type TableCase } from './table-arb';

let h: Harness;
let stack: Stack;
beforeAll(async () => {
  h = await openHarness();
  stack = await startStack({ project: HDX_PROJECT });
  await stack.startInProcessWorker();
});
afterAll(async () => {
  console.log(`e2e property cases: ${JSON.stringify(stats)}`);
  await stack?.stop();
  await h?.close();
});

async function migrate(body: Record<string, unknown>): Promise<{ status: string; error?: string; warnings: string[] }> {
  const res = await api(stack.app, 'POST', '/api/migrations', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return waitFor(
    async () => {
      const s = (await api(stack.app, 'GET', `/api/migrations/${res.body.id}`)).body;
      return ['completed', 'failed', 'cancelled'].includes(s.status) ? s : undefined;
    },
    120_000,
    `migration ${res.body.id} to finish`,
    100,
  );
}

/** Migrates the case into both destinations through the API; throws with every problem found. */
async function checkMigration(c: TableCase, batchRows: number): Promise<void> {
  const name = tag();
  const problems: string[] = [];
  try {
    await createAndFill(h.maria, name, c);
    const truth = await readTruth(h.maria, name, c);
    const schema = await h.src.getSchema({ table: name });
    const options = { batch_rows: batchRows, chunk_rows: 50_000 };
    const src = { source_type: 'SINGLESTORE', source_config: { table: name }, options };
    const refusal = sourceRefusal(c, truth);

    const pgRun = await migrate({ name, ...src, destination_type: 'POSTGRES', destination_config: { table: name, schema: PG_SCHEMA } });
    const pgVerdict = await postgresVerdict(h.pg, c, truth);
    const pgRefuses = refusal ?? pgVerdict.refuses;
    if (pgRefuses) {
      count('e2e PostgreSQL: failed as expected');
      if (pgRun.status !== 'failed') problems.push(`PostgreSQL: expected a failed run (${pgRefuses}), got ${pgRun.status}`);
    } else if (pgRun.status !== 'completed') {
      problems.push(`PostgreSQL: run ${pgRun.status}: ${pgRun.error}`);
    } else {
      count('e2e PostgreSQL: compared');
      problems.push(...(await pgVerdict.compare('PostgreSQL (API)', name)));
    }

    const hdxTable = name.toLowerCase();
    const hdxRun = await migrate({ name, ...src, destination_type: 'HYDROLIX', destination_config: { table: hdxTable, project: HDX_PROJECT } });
    const hdxVerdict = hydrolixVerdict(c, truth);
    const hdxRefuses = refusal ?? hdxVerdict.refuses;
    if (hdxRefuses) {
      count('e2e Hydrolix: failed as expected');
      if (hdxRun.status !== 'failed') problems.push(`Hydrolix: expected a failed run (${hdxRefuses}), got ${hdxRun.status}`);
    } else if (hdxRun.status !== 'completed') {
      problems.push(`Hydrolix: run ${hdxRun.status}: ${hdxRun.error}`);
    } else {
      count('e2e Hydrolix: compared');
      problems.push(...hdxVerdict.compare('Hydrolix (API)', stack.emulator, hdxTable, schema, hdxRun.warnings ?? []));
    }
    if (problems.length) throw new Error(problems.join('\n'));
  } finally {
    await h.maria.query(`DROP TABLE IF EXISTS ${q(name)}`);
    await h.pg.query(`DROP TABLE IF EXISTS ${PG_SCHEMA}."${name}"`);
  }
}

const CI_RUNS = 3;
/** Two whole migrations per case: a long run takes a 25th of PROPERTY_RUNS here. */
const E2E_COST = 25;

describe('generated tables through the API and Temporal', () => {
  it(
    'a migration lands every value as MariaDB holds it, or fails for a value the destination cannot store',
    async () => {
      await fc.assert(
        fc.asyncProperty(tableCase({ maxRows: 30 }), fc.integer({ min: 10, max: 12 }), async (c, batchRows) => {
          await checkMigration(c, batchRows);
        }),
        params(CI_RUNS, E2E_COST),
      );
    },
    timeout(CI_RUNS, 20_000, E2E_COST),
  );

  // Regression: the row path's cursor refused a binary key ("holds binary data"), so every
  // Hydrolix run of a table keyed by BINARY(16) (a UUID) failed.
  it('a BINARY(16) UUID key migrates into Hydrolix (row path) and PostgreSQL', async () => {
    await checkMigration(
      {
        collation: 'utf8mb4_bin',
        columns: [
          { name: 'uuid', type: { t: 'binary', n: 16 }, nullable: false },
          { name: 'c0', type: { t: 'enum', values: ['small'] }, nullable: false },
        ],
        key: ['uuid'],
        rows: [[Uint8Array.from([0, 0, 0, 0, 0, 0, 16, 0, 128, 0, 0, 0, 0, 0, 0, 0]), 'small'], [Uint8Array.from(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex')), 'small']],
      },
      10,
    );
  });
});
