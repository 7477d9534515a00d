import { describe, expect, it } from 'vitest';
import { autoChunkRows } from './setup';

describe('autoChunkRows', () => {
  it('gives each lane one chunk per round, in as few rounds as 1M-row chunks allow', () => {
    expect(autoChunkRows(1_000_000, 2)).toBe(500_000);
    expect(autoChunkRows(5_000_000, 2)).toBe(833_334); // 6 chunks: 3 rounds of 2, not 5 of 1M leaving one lane alone
    expect(autoChunkRows(6_000_000, 4)).toBe(750_000);
    expect(autoChunkRows(300_000, 1)).toBe(300_000);
  });
  it('stays within 50k–1M rows per chunk', () => {
    expect(autoChunkRows(100_000, 2)).toBe(50_000);
    expect(autoChunkRows(0, 2)).toBe(50_000);
    expect(autoChunkRows(1_000_000_000, 2)).toBe(1_000_000);
  });
});
