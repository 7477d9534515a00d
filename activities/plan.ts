/**
 * The dry-run plan of a migration (POST /api/migrations/plan), run on the worker: what setup would
 * do, found with the same functions setup uses (schema, incremental window, column mapping, table
 * DDL, copy path), and the chunk plan from the source's statistics, so it answers quickly. It reads
 * both ends and writes nothing anywhere.
 */
import { mapColumns, type Mapped } from '../connectors/column-mapping';
import { singleIntegerKey } from '../connectors/plan';
import { PermanentError, type KeyTuple, type SourceSpec, type TablePreview, type TableSchema } from '../connectors/types';
import type { MigrationInput } from '../workflows/types';
import { classifyFailure, type Answer } from './catalog';
import type { ConnectorCache } from './connector-cache';
import type { Redactor } from './redact';
import { chunkSize, copyPathWarning, setupActivities } from './setup';

export interface PlannedColumn {
  sourceName: string;
  sourceType: string;
  /** Null when skipped. */
  destinationName: string | null;
  destinationType: string | null;
  cast: string | null;
  skipped: boolean;
  key: boolean;
  /** Lossy conversions and other fidelity notes for this column. */
  warnings: string[];
}

export interface PlannedChunks {
  count: number;
  chunkRows: number;
  parallelism: number;
  /** Each chunk's key range (after, upTo], null = open; null when the run picks boundaries by walking the key. */
  ranges: Array<{ after: KeyTuple | null; upTo: KeyTuple | null }> | null;
  note: string | null;
}

export interface MigrationPlan {
  source: { type: string; server: string; table: string | null; query: boolean; key: string[] };
  destination: {
    type: string;
    server: string;
    target: string;
    /** `create`, `exists, compatible` or `exists, mismatch`. */
    status: 'create' | 'exists, compatible' | 'exists, mismatch';
    /** What setup would run: statements (PostgreSQL) or Config API requests (Hydrolix); empty when nothing. */
    ddl: string[];
    mismatches: string[];
  };
  columns: PlannedColumn[];
  rowsEstimate: number | null;
  /** `statistics`: the source's estimate; `count`: counted (a query or window has no statistics). */
  rowsFrom: 'statistics' | 'count';
  chunks: PlannedChunks;
  copyPath: 'packed' | 'rows';
  incremental: { cursorColumn: string; from: string | number | null; upTo: string | number | null } | null;
  /** Every warning the run would start with (mapping, types, copy path). */
  warnings: string[];
}

/** Chunk plan from a row estimate: arithmetic boundaries for a single dense integer key, else the count alone. */
async function chunkPlan(
  src: Awaited<ReturnType<ConnectorCache['source']>>,
  spec: SourceSpec,
  schema: TableSchema,
  rows: number,
  input: MigrationInput,
): Promise<PlannedChunks> {
  const { parallelism, chunkRows } = input.options;
  const size = chunkSize(rows, chunkRows, parallelism);
  const keyCols = schema.key.map((k) => schema.columns.find((c) => c.name === k)!);
  const count = Math.max(1, Math.ceil(rows / size));
  if (rows <= size) return { count: 1, chunkRows: size, parallelism, ranges: [{ after: null, upTo: null }], note: null };
  if (!singleIntegerKey(keyCols)) {
    return { count, chunkRows: size, parallelism, ranges: null, note: 'boundaries are picked by one pass over the key when the run plans; the count follows the estimate' };
  }
  // A single integer key is split between its min and max (planBoundaries, as the run does when the key is dense).
  const boundaries = await src.planBoundaries(spec, schema, size, rows);
  if (boundaries.length > 0 && boundaries.length * size === rows) boundaries.pop();
  const ranges = [...boundaries, null].map((upTo, i) => ({ after: i === 0 ? null : boundaries[i - 1], upTo }));
  return { count: ranges.length, chunkRows: size, parallelism, ranges, note: null };
}

function plannedColumns(mapped: Mapped, typeOf: (m: Mapped['columns'][number]) => { type: string; warnings: string[] } | null, keys: Set<string>): PlannedColumn[] {
  return mapped.columns.map((c) => {
    const t = c.destination ? typeOf(c) : null;
    const own = mapped.warnings.filter((w) => w.startsWith(`column ${c.source.name} `));
    return {
      sourceName: c.source.name,
      sourceType: c.source.sourceType,
      destinationName: c.destination?.name ?? null,
      destinationType: t?.type ?? null,
      cast: c.cast ?? null,
      skipped: c.skipped,
      key: keys.has(c.source.name),
      warnings: [...own, ...(t?.warnings ?? [])],
    };
  });
}

function destinationStatus(preview: TablePreview | null): MigrationPlan['destination']['status'] {
  if (!preview || !preview.exists) return 'create';
  return preview.mismatches.length ? 'exists, mismatch' : 'exists, compatible';
}

export function planActivities(connectors: ConnectorCache, redact: Redactor) {
  const setup = setupActivities(connectors);
  return {
    async planMigration(input: MigrationInput): Promise<Answer<{ plan: MigrationPlan }>> {
      try {
        return { ok: true, plan: await buildPlan(input) };
      } catch (e) {
        return { ok: false, failure: classifyFailure(e, `migration plan (${input.source.type} → ${input.destination.type})`, redact) };
      }
    },
  };

  async function buildPlan(input: MigrationInput): Promise<MigrationPlan> {
    const { source, destination, options } = input;
    // The same steps, in the same order, as the workflow's setup (connecting, schema, window, mapping).
    const servers = await setup.checkConnections({ source, destination });
    const schema = await setup.readSourceSchema(source);
    let spec: SourceSpec = source.spec;
    let incremental: MigrationPlan['incremental'] = null;
    if (options.mode === 'incremental') {
      const column = options.cursorColumn;
      if (!column) throw new PermanentError('options.cursor_column is required in incremental mode');
      const w = await setup.incrementalWindow({ source, schema, column, after: options.highWaterMark ?? null, inclusive: true, lookback: options.lookback });
      const { keepFrom: _k, keepRows: _r, ...window } = w;
      spec = { ...source.spec, window };
      incremental = { cursorColumn: column, from: window.from ?? window.after, upTo: window.upTo };
    }
    const [src, dst] = await Promise.all([connectors.source(source.type, source.spec.connection), connectors.destination(destination.type, destination.spec.connection)]);
    const mapped = mapColumns(schema, destination.spec, dst.typing, { cursorColumn: incremental?.cursorColumn });
    const preview = dst.previewTable ? await dst.previewTable(mapped.spec, mapped.write) : null;
    // The destination half of the copy path needs the table as setup leaves it: not asked when it is missing or does not fit.
    const path = await copyPathWarning(src, dst, spec, mapped, !preview?.exists || preview.mismatches.length > 0);

    const estimate = (await src.estimateRows?.(spec, mapped.read)) ?? null;
    const rows = estimate ?? (await src.countRows(spec, mapped.read));
    const chunks = await chunkPlan(src, spec, mapped.read, rows, input);

    const keys = new Set(schema.key);
    // Types as the table gets them (the preview's, e.g. Hydrolix's primary timestamp), else the destination's typing.
    const typeOf = (c: Mapped['columns'][number]) => {
      const t = dst.typing?.typeOf(c.destination!, mapped.spec) ?? null;
      const exact = preview?.columnTypes?.[c.destination!.name];
      return exact === undefined ? t : { type: exact, warnings: t?.warnings ?? [] };
    };
    const columns = plannedColumns(mapped, typeOf, keys);
    const warnings = [...mapped.warnings, ...(preview?.warnings ?? []), ...(path ? [path] : [])];
    return {
      source: { type: source.type, server: servers.sourceServer, table: source.spec.table ?? null, query: source.spec.query !== undefined, key: schema.key },
      destination: {
        type: destination.type,
        server: servers.destinationServer,
        target: preview?.target ?? destination.spec.table,
        status: destinationStatus(preview),
        ddl: preview?.statements ?? [],
        mismatches: preview?.mismatches ?? [],
      },
      columns,
      rowsEstimate: rows,
      rowsFrom: estimate === null ? 'count' : 'statistics',
      chunks,
      copyPath: !src.readText || !dst.writeText || path ? 'rows' : 'packed',
      incremental,
      warnings,
    };
  }
}
