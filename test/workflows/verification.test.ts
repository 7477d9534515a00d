/** Verification of an append-only destination: duplicate copies are reported, a missing or changed row fails. */
import { describe, expect, it } from 'vitest';
import { compareTallies, duplicatesWarning, verificationFailure } from '../../workflows/types';

describe('compareTallies with distinct keys (append-only destination)', () => {
  it('every key present with extra copies: ok, duplicates reported', () => {
    const v = compareTallies({ rows: 300_000, keySum: '45000150000' }, { rows: 305_001, distinctKeys: 300_000, keySum: '45000150000' });
    expect(v).toMatchObject({ ok: true, sourceRows: 300_000, destinationRows: 305_001, destinationDistinctKeys: 300_000, duplicates: 5001 });
    expect(duplicatesWarning(v, 'bars.big', ['id'])).toBe(
      'bars.big holds 5001 duplicate rows (305001 rows, 300000 distinct keys; every source row is present): read it deduplicated with SELECT * FROM bars.big ORDER BY id LIMIT 1 BY id',
    );
  });

  it('a missing key fails even when copies make the row count match', () => {
    const v = compareTallies({ rows: 10, keySum: '55' }, { rows: 10, distinctKeys: 9, keySum: '45' });
    expect(v.ok).toBe(false);
    expect(verificationFailure(v, 'p.t')).toBe('verification failed: source has 10 rows, destination p.t has 10 rows, 9 distinct keys');
  });

  it('as many keys but a different key (checksum) fails', () => {
    const v = compareTallies({ rows: 3, keySum: '6' }, { rows: 3, distinctKeys: 3, keySum: '7' });
    expect(v.ok).toBe(false);
    expect(verificationFailure(v, 'p.t')).toMatch(/as many distinct keys as source rows \(3\) but the key checksums differ \(source 6, destination 7\)/);
  });

  it('no copies: no warning; destinations without distinct keys compare counts as before', () => {
    expect(duplicatesWarning(compareTallies({ rows: 3, keySum: null }, { rows: 3, distinctKeys: 3, keySum: null }), 'p.t', ['a', 'b'])).toBeNull();
    const pg = compareTallies({ rows: 3, keySum: '6' }, { rows: 4, keySum: '10' });
    expect(pg).toEqual({ sourceRows: 3, destinationRows: 4, sourceKeySum: '6', destinationKeySum: '10', ok: false });
    expect(verificationFailure(pg, 'public.t')).toBe('verification failed: source has 3 rows, destination public.t has 4');
  });
});
