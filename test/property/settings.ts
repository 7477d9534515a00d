/**
 * How many cases each property runs, and from which seed. `npm test` runs a few, from a fixed
 * seed, so CI is repeatable and bounded; `npm run test:properties` runs many
 * (PROPERTY_RUNS=500). PROPERTY_SEED replays another seed (fast-check prints the failing one).
 */
import type fc from 'fast-check';

export const RUNS = Number(process.env.PROPERTY_RUNS ?? 0) || undefined;
export const SEED = Number(process.env.PROPERTY_SEED ?? 20261130);

/** fast-check parameters: `ciRuns` cases by default, PROPERTY_RUNS when set. */
export function params<T>(ciRuns: number): fc.Parameters<T> {
  return { seed: SEED, numRuns: RUNS ?? ciRuns, endOnFailure: false, verbose: 0 };
}

/** A vitest timeout for a property: `perCase` ms per case plus setup. */
export const timeout = (ciRuns: number, perCase: number) => 60_000 + (RUNS ?? ciRuns) * perCase * 4;
