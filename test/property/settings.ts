/**
 * How many cases each property runs, and from which seed. `npm test` runs a few, from a fixed
 * seed, so CI is repeatable and bounded; `npm run test:properties` runs many
 * (PROPERTY_RUNS=500). PROPERTY_SEED replays another seed (fast-check prints the failing one).
 */
import type fc from 'fast-check';

export const RUNS = Number(process.env.PROPERTY_RUNS ?? 0) || undefined;
export const SEED = Number(process.env.PROPERTY_SEED ?? 20261130);

/**
 * Cases for a property: `ciRuns` by default; with PROPERTY_RUNS, that many divided by `cost`
 * (an expensive property, such as whole migrations, runs a share of them).
 */
export const runs = (ciRuns: number, cost = 1) => (RUNS === undefined ? ciRuns : Math.max(ciRuns, Math.round(RUNS / cost)));

/** fast-check parameters for `runs(ciRuns, cost)` cases from the fixed seed. */
export function params<T>(ciRuns: number, cost = 1): fc.Parameters<T> {
  return { seed: SEED, numRuns: runs(ciRuns, cost), endOnFailure: false, verbose: 0 };
}

/** A vitest timeout for a property: `perCase` ms per case (4× margin on a loaded machine) plus setup. */
export const timeout = (ciRuns: number, perCase: number, cost = 1) => 60_000 + runs(ciRuns, cost) * perCase * 4;
