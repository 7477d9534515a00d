/** The steps around the copy: check both ends, read the schema, plan ranges, create the table; finish it and verify after. */
import type { SourceSpec, TableSchema } from '../connectors/types';
import { compareTallies } from '../workflows/types';
import type {
  ChunkPlan,
  ConnectionsChecked,
  CreateTableInput,
  Endpoint,
  EndpointsInput,
  FinishedTable,
  FinishTableInput,
  IncrementalWindow,
  PlanInput,
  TallySourceInput,
  Verification,
  VerifyInput,
  WindowInput,
} from '../workflows/types';
import { PermanentError } from '../connectors/types';
import { MAX_FINGERPRINTS } from '../workflows/incremental';
import { stepBack } from './cursor-values';
import type { CreateTableResult, DestinationConnector, SourceConnector, Tally } from '../connectors/types';
import { mapColumns, type Mapped } from '../connectors/column-mapping';
import type { ConnectorCache } from './connector-cache';
import { withHeartbeat } from './heartbeat';
import { SLOW_PATH_WARNING, textPathBlocker } from './text-path';
import { singleIntegerKey } from '../connectors/plan';
import { walkLimit } from '../connectors/key-walk';

function keyColumnsOf(schema: TableSchema) {
  return schema.key.map((k) => schema.columns.find((c) => c.name === k)).filter((c) => c !== undefined);
}

function sourceTally(src: SourceConnector, spec: SourceSpec, schema: TableSchema): Promise<Tally> {
  return src.tally ? src.tally(spec, schema) : src.countRows(spec, schema).then((rows) => ({ rows, keySum: null }));
}

/**
 * The copy-path line of a run's warnings, said before the copy: which column (or cast) keeps the
 * rows off the packed path. Only when both ends speak packed rows: a pair that never does (e.g.
 * into Hydrolix) would warn on every run. Shared with the dry-run plan.
 */
export async function copyPathWarning(src: SourceConnector, dst: DestinationConnector, source: SourceSpec, mapped: Mapped, tableMissing = false): Promise<string | null> {
  if (!src.readText || !dst.writeText) return null;
  const why = mapped.rowPath ?? (await textPathBlocker(src, dst, source, mapped.spec, mapped.read, mapped.write, tableMissing));
  return why ? `${SLOW_PATH_WARNING}: ${why}` : null;
}

/** Chunks per migration are capped so the plan stays small in workflow state. */
export const MAX_CHUNKS = 5_000;

/**
 * Default chunk size: the fewest chunks of at most 1M rows (at least 50k) that make a whole
 * number of rounds, each lane taking one chunk per round, so lanes finish together. Each chunk
 * start and end costs a lane a workflow round trip plus a page read or written with nothing to
 * overlap it. Measured on 1M rows and 2 lanes, alternating runs: 2 chunks of 500k took 4.28–4.76 s
 * (median 4.52), 6 of 166k 4.60–5.15 s (median 4.78); an earlier session, 50k-row chunks 7.4–7.6 s
 * against 200k 5.9–6.6 s. A resumed chunk restarts from its last heartbeat, so bigger chunks lose
 * no progress on a fault.
 */
export function autoChunkRows(rowsTotal: number, parallelism: number): number {
  const lanes = Math.max(1, parallelism);
  const rounds = Math.max(1, Math.ceil(rowsTotal / (lanes * 1_000_000)));
  return Math.min(1_000_000, Math.max(50_000, Math.ceil(rowsTotal / (lanes * rounds))));
}

/** Rows per chunk for a row count: the asked-for size or autoChunkRows, never more than MAX_CHUNKS chunks. Shared with the dry-run plan. */
export function chunkSize(rows: number, chunkRows: number | undefined, parallelism: number): number {
  return Math.max(chunkRows ?? autoChunkRows(rows, parallelism), Math.ceil(rows / MAX_CHUNKS));
}

/** A destination without a tally of its own that lags behind its writes: recount this many times before calling it a mismatch. */
const VERIFY_ATTEMPTS = 6;

export function setupActivities(connectors: ConnectorCache, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {
  return {
    async checkConnections({ source, destination }: EndpointsInput): Promise<ConnectionsChecked> {
      return withHeartbeat(async () => {
        const [src, dst] = await Promise.all([
          connectors.source(source.type, source.spec.connection),
          connectors.destination(destination.type, destination.spec.connection),
        ]);
        const [s, d] = await Promise.all([src.testConnection(), dst.testConnection()]);
        return { sourceServer: s.server, destinationServer: d.server };
      });
    },

    async readSourceSchema(source: Endpoint<SourceSpec>): Promise<TableSchema> {
      return withHeartbeat(async () => {
        const src = await connectors.source(source.type, source.spec.connection);
        return src.getSchema(source.spec);
      });
    },

    async planChunks({ source, schema, chunkRows, parallelism }: PlanInput): Promise<ChunkPlan> {
      return withHeartbeat(async () => {
        const src = await connectors.source(source.type, source.spec.connection);
        const sizeFor = (rows: number) => chunkSize(rows, chunkRows, parallelism);
        // A key that is not one integer is walked: one key-order pass counts, tallies and picks every
        // Nth key, N chosen from the statistics' estimate. An estimate that is off changes the chunks'
        // size (and their number, never past MAX_CHUNKS), nothing else: the count stays exact.
        if (src.walkKeys && !singleIntegerKey(keyColumnsOf(schema))) {
          const estimate = (await src.estimateRows?.(source.spec, schema)) ?? null;
          if (estimate !== null) {
            const size = sizeFor(estimate);
            // Two or three chunks of the automatic size: the walk stops at its last boundary (walkLimit)
            // rather than read every key, the open-ended last chunk takes what the estimate missed, and
            // the tally verification needs is taken while the copy runs (the workflow's tallySource).
            // With more chunks that extra scan costs about what stopping saves; an explicit chunk_rows
            // is kept exactly, whatever the estimate.
            const chunks = Math.max(1, Math.round(estimate / size));
            const limit = chunkRows === undefined && chunks <= 3 ? walkLimit(size, chunks) : undefined;
            const walked = await src.walkKeys(source.spec, schema, size, MAX_CHUNKS, limit);
            if (walked.stopped) return { boundaries: walked.boundaries, rowsTotal: Math.max(estimate, walked.boundaries.length * walked.every + 1) };
            return { boundaries: walked.boundaries, rowsTotal: walked.tally.rows, tally: walked.tally };
          }
        }
        // A single integer key: the tally (count + sum, 1M rows: 0.18 s against the count's 0.15)
        // spares verification a scan, and a dense key is then split arithmetically without one.
        const tally = await sourceTally(src, source.spec, schema);
        const rowsTotal = tally.rows;
        const size = sizeFor(rowsTotal);
        const boundaries = rowsTotal > size ? await src.planBoundaries(source.spec, schema, size, rowsTotal) : [];
        // A row count that is an exact multiple puts the last boundary on the last key: drop it,
        // rather than schedule an empty final chunk (the open-ended last chunk covers those rows).
        if (boundaries.length > 0 && boundaries.length * size === rowsTotal) boundaries.pop();
        return { boundaries, rowsTotal, tally };
      });
    },

    async createDestinationTable({ destination, schema, source }: CreateTableInput): Promise<CreateTableResult> {
      return withHeartbeat(async () => {
        const dst = await connectors.destination(destination.type, destination.spec.connection);
        const src = source ? await connectors.source(source.type, source.spec.connection) : undefined;
        // The column mapping is checked here, before anything is written (a mistake fails the run, naming the column).
        const mapped = mapColumns(schema, destination.spec, dst.typing, { cursorColumn: source?.spec.window?.column });
        const created = await dst.createTable(mapped.spec, mapped.write);
        const path = src && source ? await copyPathWarning(src, dst, source.spec, mapped) : null;
        return { ...created, warnings: [...mapped.warnings, ...created.warnings, ...(path ? [path] : [])] };
      });
    },

    /**
     * After every chunk landed: builds what the destination deferred for the load (PostgreSQL: the
     * primary key, which can take minutes on a big table; withHeartbeat beats every 5 s meanwhile),
     * and takes the destination half of verification while it does (PostgreSQL: counted during the
     * key build, 1M rows: ~0.25 s off the run). Idempotent. `tally` is null when the destination
     * cannot give an exact one now; verifyCounts then counts.
     */
    async finishAndTallyDestination({ destination, schema }: FinishTableInput): Promise<FinishedTable> {
      return withHeartbeat(async () => {
        const dst = await connectors.destination(destination.type, destination.spec.connection);
        const m = mapColumns(schema, destination.spec, dst.typing);
        return (await dst.finishTable?.(m.spec, m.write, { tally: true })) ?? { notes: [], tally: null };
      });
    },

    /**
     * The window an incremental run copies (workflows/incremental.ts): from the last mark minus
     * the lookback, inclusive, up to the greatest cursor value present now (never below the
     * mark), and where the rows fingerprinted for the next run begin.
     */
    async incrementalWindow({ source, schema, column, after, lookback }: WindowInput): Promise<IncrementalWindow> {
      return withHeartbeat(async () => {
        const src = await connectors.source(source.type, source.spec.connection);
        const col = schema.columns.find((c) => c.name === column);
        if (!col) throw new PermanentError(`options.cursor_column ${column} is not a column of the source rows`);
        const from = after === null ? null : stepBack(col, after, lookback);
        const top = await src.maxValue({ ...source.spec, window: { column, after: null, from: after, upTo: null } }, schema, column);
        const upTo = top ?? after;
        if (upTo === null) return { column, after: null, from, upTo, keepFrom: null, keepRows: 0 };
        const keepFrom = stepBack(col, upTo, lookback);
        // A lookback whose rows would overflow the fingerprints is refused before anything is copied.
        // Without one there is nothing to shorten: the chunks count, and the workflow warns past the cap.
        if (keepFrom === upTo) return { column, after: null, from, upTo, keepFrom, keepRows: 0 };
        const keepRows = await src.countRows({ ...source.spec, window: { column, after: null, from: keepFrom, upTo } }, schema);
        if (keepRows > MAX_FINGERPRINTS) {
          throw new PermanentError(
            `options.lookback ${JSON.stringify(lookback)} before the new mark ${upTo} holds ${keepRows} rows, more than the ` +
              `${MAX_FINGERPRINTS} row fingerprints an incremental run keeps to skip them next time; choose a shorter lookback`,
          );
        }
        return { column, after: null, from, upTo, keepFrom, keepRows };
      });
    },

    /** The source half of verification, which needs nothing from the destination (see the workflow). */
    async tallySource({ source, schema }: TallySourceInput): Promise<Tally> {
      return withHeartbeat(async () => sourceTally(await connectors.source(source.type, source.spec.connection), source.spec, schema));
    },

    /** Source and destination tallies after the copy (see compareTallies); a mismatch fails the run visibly. */
    async verifyCounts({ source, destination, schema, rowsCopied, incremental, sourceTally: taken }: VerifyInput): Promise<Verification> {
      return withHeartbeat(async () => {
        const dst = await connectors.destination(destination.type, destination.spec.connection);
        const m = mapColumns(schema, destination.spec, dst.typing);
        // Count and key checksum in one scan per end, both ends at once.
        const srcTally = async (): Promise<Tally> => taken ?? sourceTally(await connectors.source(source.type, source.spec.connection), source.spec, schema);
        const dstTally = (): Promise<Tally> =>
          dst.tally ? dst.tally(m.spec, m.write) : dst.countRows(m.spec).then((rows) => ({ rows, keySum: null }));
        const [s, first] = await Promise.all([srcTally(), dstTally()]);
        let d = first;
        if (incremental) return compareTallies(s, d, rowsCopied);
        // Keys short of the source: the destination may still be indexing. One with a tally knows its own
        // delay (Hydrolix: the table's partition timers) and recounts until the keys are there or it has passed.
        const short = (t: Tally) => (t.distinctKeys ?? t.rows) < s.rows;
        if (short(d) && dst.tally) d = await dst.tally(m.spec, m.write, { expectRows: s.rows });
        for (let i = 1; i < VERIFY_ATTEMPTS && short(d) && !dst.tally; i++) {
          await sleep(500 * 2 ** i);
          d = await dstTally();
        }
        return compareTallies(s, d);
      });
    },
  };
}
