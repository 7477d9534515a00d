/** Chunk planning shared by SQL sources. */
import type { Column, KeyRange, KeyTuple } from './types';

/**
 * Boundaries for a single integer key spaced evenly between its min and max, when the key is
 * dense (at least half the values in between are used, as with auto-increment ids): no scan
 * needed, and chunks come out within a small factor of `chunkRows`. Null when sparse: the
 * caller then finds boundaries by walking the key.
 */
export function evenIntegerBoundaries(col: Column, min: string, max: string, rows: number, chunkRows: number): KeyTuple[] | null {
  if (BigInt(rows) * 2n < BigInt(max) - BigInt(min) + 1n) return null;
  return evenCuts(col, min, max, Math.ceil(rows / chunkRows));
}

/** The n − 1 keys cutting [min, max] into n equal spans, ascending and distinct; 64-bit keys as strings. */
function evenCuts(col: Column, min: string, max: string, n: number): KeyTuple[] {
  const lo = BigInt(min);
  const span = BigInt(max) - lo + 1n;
  const parts = BigInt(n);
  const out: KeyTuple[] = [];
  for (let i = 1n; i < parts; i++) {
    const b = lo + (span * i) / parts - 1n;
    if (out.length > 0 && String(out[out.length - 1][0]) === b.toString()) continue; // span smaller than n
    out.push([col.type.kind === 'int' && col.type.bits === 64 ? b.toString() : Number(b)]);
  }
  return out;
}

/**
 * The arithmetic split when it applies: a single integer key, a known row count and a dense key.
 * `minMax` fetches the key's bounds as text (null when the row set is empty: no boundaries).
 * Null means the caller walks the key instead.
 */
export async function evenSplit(
  keyCols: Column[],
  rowsTotal: number | undefined,
  chunkRows: number,
  minMax: (key: Column) => Promise<[unknown, unknown]>,
): Promise<KeyTuple[] | null> {
  const key = singleIntegerKey(keyCols);
  if (!key || rowsTotal === undefined) return null;
  const [min, max] = await minMax(key);
  if (min === null || max === null) return [];
  return evenIntegerBoundaries(key, String(min), String(max), rowsTotal, chunkRows);
}

/** The single integer key column, or null (composite or non-integer keys are walked). */
export function singleIntegerKey(columns: Column[]): Column | null {
  return columns.length === 1 && columns[0].type.kind === 'int' ? columns[0] : null;
}

/**
 * Key ranges cutting a single integer key's [min, max] into `parts` equal spans, so one scan
 * (a count, a tally) can run on several connections at once: MariaDB runs each query on one
 * core. Open at both ends, so rows outside the bounds read now still fall in a range. One
 * unbounded range when the key is not a single integer or the row set is empty.
 */
export async function scanRanges(keyCols: Column[], parts: number, minMax: (key: Column) => Promise<[unknown, unknown]>): Promise<KeyRange[]> {
  const whole: KeyRange[] = [{ after: null, upTo: null }];
  const key = singleIntegerKey(keyCols);
  if (!key || parts < 2) return whole;
  const [min, max] = await minMax(key);
  if (min === null || max === null) return whole;
  const cuts = evenCuts(key, String(min), String(max), parts);
  return cuts.map((c, i): KeyRange => ({ after: i === 0 ? null : cuts[i - 1], upTo: c })).concat([{ after: cuts[cuts.length - 1], upTo: null }]);
}
