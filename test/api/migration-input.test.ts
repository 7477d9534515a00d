/** Request → workflow input translation: transform_query is composed in the source's own dialect. */
import { expect, it } from 'vitest';
import '../../connectors';
import { checkMigrationRequest, toMigrationInput } from '../../api/migration-input';

const base = {
  name: 'm',
  source_config: { table: 'sales_data' },
  destination_type: 'HYDROLIX',
  destination_config: { table: 't' },
  transform_query: 'SELECT id, UPPER(product) AS product FROM source;',
};

it('wraps the source table as a CTE named source, quoted for the source dialect', () => {
  for (const [type, quoted] of [
    ['SINGLESTORE', '`sales_data`'],
    ['POSTGRES', '"sales_data"'],
  ] as const) {
    const checked = checkMigrationRequest({ ...base, source_type: type });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const input = toMigrationInput(checked.value, 'mig-1', '2026-01-01T00:00:00Z');
    expect(input.source.spec.query).toBe(`WITH source AS (SELECT * FROM ${quoted}) SELECT id, UPPER(product) AS product FROM source`);
  }
});

it('checks a PostgreSQL source query before anything starts', () => {
  const checked = checkMigrationRequest({ ...base, transform_query: undefined, source_type: 'POSTGRES', source_config: { query: 'DELETE FROM x' } });
  expect(checked.ok).toBe(false);
  if (!checked.ok) expect(checked.errors[0].path).toBe('source_config.query');
});
