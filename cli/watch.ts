/**
 * Follows one migration until it ends: a live bar (rows/s, ETA) on a terminal, one plain line per
 * change otherwise, JSON lines with --json. Ctrl-C stops watching, never the migration.
 */
import type { MigrationView } from '../api/schemas';
import { ApiError, type ApiClient, UnreachableError } from './client';
import { EXIT } from './exit-codes';
import { count, duration, outcomeLine, progressLine } from './format';

export interface WatchOptions {
  json: boolean;
  /** Draw the bar (stdout is a terminal) rather than plain lines. */
  tty: boolean;
  intervalMs: number;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Polls that may fail in a row (API restarting, a network blip) before watching gives up. */
const MAX_FAILED_POLLS = 10;

export async function watchMigration(client: ApiClient, id: string, o: WatchOptions): Promise<number> {
  let interrupted = false;
  let wake: () => void = () => undefined;
  const onSigint = () => {
    interrupted = true;
    wake();
  };
  process.on('SIGINT', onSigint);
  // The bar library loads only when a bar is drawn.
  const view = o.json ? jsonView(o) : o.tty ? barView(o, await import('cli-progress')) : plainView(o);
  let failedPolls = 0;
  try {
    if (!o.json) o.err.write(`Watching ${id} (Ctrl-C stops watching; the migration keeps running)\n`);
    while (!interrupted) {
      let m: MigrationView | undefined;
      try {
        m = await client.get<MigrationView>(`/api/migrations/${encodeURIComponent(id)}`);
        failedPolls = 0;
      } catch (err) {
        const transient = err instanceof UnreachableError || (err instanceof ApiError && (err.status >= 500 || err.status === 429));
        if (!transient || ++failedPolls >= MAX_FAILED_POLLS) throw err;
      }
      if (interrupted) break;
      if (m) {
        view.show(m);
        if (TERMINAL.has(m.status)) {
          view.stop();
          // With --json the last line already holds the outcome; a failure is also said on stderr.
          if (m.status !== 'completed') o.err.write(`${outcomeLine(m)}\n`);
          else if (!o.json) o.out.write(`${outcomeLine(m)}\n`);
          return m.status === 'completed' ? EXIT.ok : EXIT.failed;
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    view.stop();
    o.err.write(
      `\nInterrupted: stopped watching; migration ${id} keeps running.\n` +
        `  watch it again:  epic-shelter status ${id} --watch\n` +
        `  stop it:         epic-shelter cancel ${id}\n`,
    );
    return EXIT.interrupted;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

interface View {
  show(m: MigrationView): void;
  stop(): void;
}

function jsonView(o: WatchOptions): View {
  let last = '';
  return {
    show(m) {
      const line = JSON.stringify(m);
      // A line per change; updated_at alone moves on every poll of a running migration.
      const key = JSON.stringify({ ...m, updated_at: undefined, eta_seconds: undefined, rows_per_second: undefined });
      if (key !== last || TERMINAL.has(m.status)) o.out.write(`${line}\n`);
      last = key;
    },
    stop() {},
  };
}

function plainView(o: WatchOptions): View {
  let last = '';
  const started = Date.now();
  return {
    show(m) {
      const line = progressLine(m);
      if (line === last) return;
      last = line;
      o.out.write(`${duration((Date.now() - started) / 1000).padStart(6)}  ${line}\n`);
    },
    stop() {},
  };
}

function barView(o: WatchOptions, { SingleBar, Presets }: typeof import('cli-progress')): View {
  const bar = new SingleBar(
    {
      format: '{bar} {percentage}% | {rows}/{rows_total} rows | {rate} rows/s | ETA {eta_text} | {phase}',
      hideCursor: true,
      stream: o.out as NodeJS.WriteStream,
      etaBuffer: 1,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    show(m) {
      const payload = {
        rows: count(m.rows_copied),
        rows_total: count(m.rows_total),
        rate: m.rows_per_second === null ? '-' : count(m.rows_per_second),
        eta_text: m.status === 'running' && m.eta_seconds !== null ? duration(m.eta_seconds) : '-',
        phase: m.phase,
      };
      if (!started) bar.start(100, m.progress, payload);
      else bar.update(m.progress, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
