import { describe, expect, it } from 'vitest';
import { autoChunkRows } from './setup';

describe('autoChunkRows', () => {
  it('aims at three chunks per lane', () => {
    expect(autoChunkRows(1_000_000, 2)).toBe(166_667);
    expect(autoChunkRows(6_000_000, 4)).toBe(500_000);
  });
  it('stays within 50k–1M rows per chunk', () => {
    expect(autoChunkRows(100_000, 2)).toBe(50_000);
    expect(autoChunkRows(0, 2)).toBe(50_000);
    expect(autoChunkRows(1_000_000_000, 2)).toBe(1_000_000);
  });
});
