/** The dashboard's pure pieces: schedules in plain words, and the form's request body. */
import { describe, expect, it } from 'vitest';
import { bodyFromForm, EMPTY_FORM, formFromBody } from '../../dashboard/src/components/new-migration/form-state';
import { cronWords, specWords } from '../../dashboard/src/lib/schedule-words';

describe('schedules in plain words', () => {
  it.each([
    ['30 2 * * *', 'every day at 02:30'],
    ['0 * * * *', 'every hour'],
    ['15 * * * *', 'every hour at minute 15'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0 6 * * 1-5', 'every weekday at 06:00'],
    ['0 6 * * MON,WED', 'every Monday and Wednesday at 06:00'],
    ['0 0 1 * *', 'on day 1 of the month at 00:00'],
    ['@daily', 'every day at 00:00'],
    ['0 9,17 * * *', 'every day at 09:00 and 17:00'],
  ])('%s → %s', (cron, words) => {
    expect(cronWords(cron)).toBe(words);
  });

  it('adds the time zone to cron schedules and spells intervals out', () => {
    expect(specWords({ cron: '30 2 * * *', timezone: 'Europe/Berlin' })).toBe('every day at 02:30, Europe/Berlin');
    expect(specWords({ interval: '1h30m' })).toBe('every 1 hour 30 minutes');
    expect(specWords({ interval: { every: '1d', offset: '2h' } })).toBe('every 1 day (offset 2 hours)');
  });
});

describe('the new-migration form', () => {
  const filled = {
    ...EMPTY_FORM,
    name: ' Sales copy ',
    sourceType: 'SINGLESTORE',
    sourceTable: 'sales',
    destinationType: 'POSTGRES',
    destinationTable: 'sales_history',
    destinationNamespace: 'archive',
    parallelism: '4',
  };

  it('sends only the column rules that change something', () => {
    const body = bodyFromForm({ ...filled, columns: { label: { name: 'title' }, amount: { name: 'amount' }, notes: { skip: true }, price: { name: '' } } });
    expect(body).toEqual({
      name: 'Sales copy',
      source_type: 'SINGLESTORE',
      source_config: { table: 'sales' },
      destination_type: 'POSTGRES',
      destination_config: { table: 'sales_history', schema: 'archive', columns: { label: { name: 'title' }, notes: { skip: true } } },
      options: { parallelism: 4 },
    });
  });

  it('sends a query instead of the table, and incremental options with the cursor', () => {
    const body = bodyFromForm({ ...filled, sourceMode: 'query', sourceQuery: 'SELECT * FROM sales', mode: 'incremental', cursorColumn: 'updated_at', lookback: '10m' });
    expect(body.source_config).toEqual({ query: 'SELECT * FROM sales' });
    expect(body.options).toEqual({ parallelism: 4, mode: 'incremental', cursor_column: 'updated_at', lookback: '10m' });
  });

  it('reads a stored body back into the same form (templates open for editing)', () => {
    const form = { ...filled, name: 'Sales copy', columns: { label: { name: 'title' } }, writeMode: 'upsert' as const };
    expect(formFromBody(bodyFromForm(form))).toEqual(form);
  });
});
