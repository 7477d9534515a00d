import { describe, expect, it } from 'vitest';
import { PermanentError } from '../types';
import type { HydrolixAuth } from './auth';
import { col, schemaOf } from './test-helpers';
import { sampleIndexes, validateSample } from './validate';

const schema = schemaOf([col('id', { kind: 'int', bits: 32, unsigned: false }, false), col('at', { kind: 'datetime', fsp: 0, utc: false }, false), col('n', { kind: 'string' })]);
const rows = [[1, '2020-01-01 00:00:00', null], [2, '2020-01-01 00:00:01', 'x']];
const lines = rows.map((r) => JSON.stringify({ id: r[0], at: r[1], n: r[2] }));
const answering = (status: number, body: unknown) =>
  ({ send: async () => ({ status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body) }), redact: (s: string) => s }) as unknown as HydrolixAuth;
const run = (auth: HydrolixAuth) => validateSample(auth, 'p.t', { name: 't', type: 'json', settings: {} }, schema, ['id', 'at', 'n'], rows, lines, 1);

describe('validateSample', () => {
  it('samples the first rows plus one with a value in each column', () => {
    expect(sampleIndexes(rows, 3, 1)).toEqual([0, 1]);
    expect(sampleIndexes(rows, 3, 5)).toEqual([0, 1]);
  });

  it('fails only on a verdict about a row or one of our columns', async () => {
    const err = await run(answering(200, { code: 400, errors: [{ row: 1, reason: 'column "at": parsing time' }] })).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/cannot parse column at \(datetime\) in row with key \(id=2\)/);
    expect(await run(answering(200, { code: 200, message: 'success', output: [{}, {}] }))).toBe('valid');
  });

  it('skips the check when the cluster has no validator or does not take the request', async () => {
    expect(await run(answering(404, { detail: 'Not found.' }))).toBe('unavailable');
    expect(await run(answering(200, { code: 400, message: 'unexpected request body' }))).toBe('unavailable');
    expect(await run(answering(502, 'bad gateway'))).toBe('unavailable');
  });
});
