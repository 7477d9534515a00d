// Hydrolix's time-range circuit breakers (doc §6): with `hdx_query_timerange_required` a query must
// filter the table's primary timestamp; with `hdx_query_max_timerange_sec` that filter must bound it
// on both sides within the limit. Bounds are the operands of comparisons on the primary column,
// evaluated by the engine (so `now() - INTERVAL 1 DAY` and '2024-01-01' both work).
import type { EngineDb } from './engine';
import { Bound, columnBounds, Tok } from './sql';

export class HdxStorageError extends Error {}

export interface TimeRangeRules {
  required: boolean;
  /** 0 = no limit. */
  maxSeconds: number;
}

async function boundMs(db: EngineDb, b: Bound): Promise<number | null> {
  try {
    const out = await db.run(`SELECT toUnixTimestamp64Milli(toDateTime64((${b.expr}), 3, 'UTC'))`);
    const ms = Number(out.trim());
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null; // not a constant (refers to columns, say): no bound
  }
}

export async function checkTimeRange(db: EngineDb, sql: string, toks: Tok[], primary: string, rules: TimeRangeRules): Promise<void> {
  if (!rules.required && rules.maxSeconds <= 0) return;
  const bounds = columnBounds(sql, toks, primary);
  if (rules.required && bounds.length === 0) {
    throw new HdxStorageError(
      `HdxStorageError hdx_query_timerange_required is set to true. Your query needs a time range filter on the primary timestamp column ${primary} (e.g. WHERE ${primary} >= … AND ${primary} < …)`,
    );
  }
  if (rules.maxSeconds <= 0) return;
  let lo = -Infinity;
  let hi = Infinity;
  for (const b of bounds) {
    const ms = await boundMs(db, b);
    if (ms === null) continue;
    if (b.op !== '<' && b.op !== '<=') lo = Math.max(lo, ms);
    if (b.op !== '>' && b.op !== '>=') hi = Math.min(hi, ms);
  }
  const seconds = Math.max(0, Math.ceil((hi - lo) / 1000));
  if (!(seconds <= rules.maxSeconds)) {
    const span = Number.isFinite(seconds) ? `${seconds} seconds` : 'unbounded';
    throw new HdxStorageError(`HdxStorageError Maximum time range exceeded for query: ${span} (maximum is ${rules.maxSeconds})`);
  }
}
