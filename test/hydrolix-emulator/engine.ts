// The ClickHouse engine behind /query: chdb (ClickHouse in-process). libchdb binds one data
// directory per process, so every emulator in a process shares one Session (a temporary directory,
// removed when the last emulator using it closes) and gets a database of its own in it.
// chdb is loaded on the first query only: its library adds ~150 MiB to the RSS of any process that loads it.
import type { Session } from 'chdb';

/** Answer as the ClickHouse 24.8 under Hydrolix does: its setting defaults, UTC, 64-bit integers quoted in JSON. */
const SERVER_SETTINGS = [
  '--compatibility=24.8', '--session_timezone=UTC', '--output_format_json_quote_64bit_integers=1',
  // The emulator shares the bench's cores with the worker under test: parse inserts on one thread.
  '--input_format_parallel_parsing=0',
];

let session: Promise<Session> | null = null;
let users = 0;
let seq = 0;
/** A closed session's native connection may outlive close(); a new one waits for it. */
let closed: Promise<void> = Promise.resolve();
let current: Session | null = null;
let engineVersion = '';
process.once('exit', () => current?.close()); // removes the directory even if an emulator was never closed

async function acquire(): Promise<Session> {
  users++;
  session ??= closed.then(async () => {
    const chdb = await import('chdb');
    engineVersion = chdb.version().libchdb.replace(/"/g, '');
    return (current = new chdb.Session(undefined, { connectionArgs: SERVER_SETTINGS }));
  });
  try {
    return await session;
  } catch (e) {
    users--;
    session = null;
    throw e;
  }
}

function release(): void {
  if (--users > 0 || !session) return;
  const s = session;
  session = null;
  closed = s.then(async (x) => {
    x.close();
    if (current === x) current = null;
    await (await import('chdb')).drainPending();
  }).catch(() => undefined);
}

/** ClickHouse's version, for error messages (known once the engine is loaded). */
export const engineVersionText = () => engineVersion;

/** An error from the engine: ClickHouse's own message (`Code: N. DB::Exception: … (NAME)`). */
export class EngineError extends Error {}

function engineError(e: unknown): Error {
  const msg = (e as Error)?.message ?? String(e);
  return /Code: \d+\./.test(msg) ? new EngineError(msg.replace(/^Query failed: /, '').trim()) : (e as Error);
}

export class EngineDb {
  private dropped = false;
  private constructor(readonly name: string, private readonly s: Session) {}

  static async open(): Promise<EngineDb> {
    const db = new EngineDb(`hdx_emulator_${process.pid}_${++seq}`, await acquire());
    try {
      await db.run(`CREATE DATABASE ${db.name}`);
    } catch (e) {
      db.release();
      throw e;
    }
    return db;
  }

  /** Runs one statement; the result is the engine's output in `format` (binary formats too). */
  async query(sql: string, format: string): Promise<Buffer> {
    try {
      const r = await this.s.queryAsync(sql, { format });
      const b = r.bytes();
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw engineError(e);
    }
  }

  async run(sql: string, format = 'TSVRaw'): Promise<string> {
    return (await this.query(sql, format)).toString('utf8');
  }

  /** Bulk insert of JSONCompactEachRow lines (parsed by the engine, not in JS). */
  async insert(table: string, columns: string[], lines: Buffer): Promise<void> {
    try {
      await this.s.insert({ table: `${this.name}.${table}`, columns, values: lines, format: 'JSONCompactEachRow' });
    } catch (e) {
      throw engineError(e);
    }
  }

  /** Drops the database; the last one out closes the session (and removes its directory). */
  async close(): Promise<void> {
    if (this.dropped) return;
    await this.run(`DROP DATABASE IF EXISTS ${this.name} SYNC`).catch(() => undefined);
    this.release();
  }

  private release(): void {
    if (this.dropped) return;
    this.dropped = true;
    release();
  }
}
