// The rows ingest stored (state.ts), mirrored into the engine for /query: one MergeTree table per
// Hydrolix table, typed as Hydrolix stores its columns, filled lazily before a query with only the
// rows that arrived (and became queryable) since the last one, in bulk, so ingest itself pays nothing.
import { EngineDb } from './engine';
import type { EmulatorState, Table } from './state';
import type { Column } from './transform';
import { Arr, chName, DT, JsonText, MapV, QType, Value } from './values';

type Row = Record<string, Value>;
type Ser = (v: Value) => string;

/** Weak references: an emulator reset or a deleted table must not keep a million stored rows alive. */
interface Mirror {
  table: WeakRef<Table>;
  /** Engine table name, from the Hydrolix table's uuid (a rename or re-create keeps no stale name). */
  name: string;
  /** Column names and engine types: a transform change re-creates the engine table. */
  signature: string;
  rows: WeakRef<Row[]>;
  /** Rows [0, scanned) of `rows` were looked at: inserted, or waiting in `pending` to become queryable. */
  scanned: number;
  pending: number[];
  columns: string[];
  serialize: (row: Row) => string;
}

/** Bytes of JSON per insert: bounds the transient string and Buffer, and the engine's parse buffers (16 MiB chunks cost ~3× the RSS). */
const INSERT_CHUNK_BYTES = 4 * 1024 * 1024;

function serializer(t: QType): Ser {
  switch (t.k) {
    case 'int': return (v) => (v === null ? 'null' : (v as bigint).toString());
    case 'float': return (v) => {
      if (v === null) return 'null';
      const n = v as number;
      return Number.isFinite(n) ? String(n) : JSON.stringify(Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf');
    };
    // DateTime64(3) takes milliseconds as a number; DateTime and DateTime64(0) take seconds.
    case 'dt': return t.ch === 'DateTime64(3)'
      ? (v) => (v === null ? 'null' : String((v as DT).ms))
      : (v) => (v === null ? 'null' : String(Math.floor((v as DT).ms / 1000)));
    case 'json': return (v) => (v === null ? 'null' : (v as JsonText).text);
    case 'array': {
      const item = serializer(t.item);
      return (v) => (v === null ? 'null' : `[${(v as Arr).items.map(item).join(',')}]`);
    }
    case 'map': {
      const val = serializer(t.val);
      return (v) => (v === null ? 'null' : `{${(v as MapV).entries.map(([k, x]) => `${JSON.stringify(String(k))}:${val(x)}`).join(',')}}`);
    }
    default: return (v) => (v === null ? 'null' : JSON.stringify(v));
  }
}

function rowSerializer(schema: { column: Column; type: QType }[]): (row: Row) => string {
  const cols = schema.map((s) => ({ name: s.column.name, ser: serializer(s.type) }));
  return (row) => {
    let line = '[';
    for (let i = 0; i < cols.length; i++) line += (i ? ',' : '') + cols[i].ser(row[cols[i].name] ?? null);
    return line + ']\n';
  };
}

const quote = (name: string) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;

export class Mirrors {
  private db: Promise<EngineDb> | null = null;
  private readonly mirrors = new Map<string, Mirror>();
  /** Syncs run one at a time: two queries must not insert the same new rows twice. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly state: EmulatorState) {}

  engine(): Promise<EngineDb> {
    this.db ??= EngineDb.open();
    this.db.catch(() => (this.db = null));
    return this.db;
  }

  /** Brings the engine tables of `tables` up to what is queryable now; returns their qualified engine names. */
  sync(tables: Table[], now: () => number): Promise<Map<Table, string>> {
    const run = this.lock.then(() => this.syncNow(tables, now));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async syncNow(tables: Table[], now: () => number): Promise<Map<Table, string>> {
    const db = await this.engine();
    await this.dropStale(db);
    const out = new Map<Table, string>();
    for (const t of tables) {
      const m = await this.mirrorOf(db, t);
      await this.fill(db, t, m, now());
      out.set(t, `${db.name}.${quote(m.name)}`);
    }
    return out;
  }

  /** Engine tables of Hydrolix tables that no longer exist (deleted, or the emulator was reset). */
  private async dropStale(db: EngineDb): Promise<void> {
    for (const [uuid, m] of this.mirrors) {
      const t = m.table.deref();
      if (t && this.state.projects.get(t.project)?.tables.get(uuid) === t) continue;
      this.mirrors.delete(uuid);
      await db.run(`DROP TABLE IF EXISTS ${db.name}.${quote(m.name)} SYNC`);
    }
  }

  private async mirrorOf(db: EngineDb, t: Table): Promise<Mirror> {
    const schema = this.state.schema(t);
    const primary = schema.find((s) => s.column.primary);
    if (!primary) throw new Error(`table ${t.name} has no transform, so no columns`);
    const defs = schema.map((s) => `${quote(s.column.name)} ${chName(s.type)}`);
    const signature = defs.join(', ');
    const old = this.mirrors.get(t.uuid);
    // Rows are only ever appended; a replaced or shorter array means the table was emptied.
    if (old && old.table.deref() === t && old.signature === signature && old.rows.deref() === t.rows && t.rows.length >= old.scanned) return old;
    const name = `t_${t.uuid.replace(/-/g, '')}`;
    await db.run(`DROP TABLE IF EXISTS ${db.name}.${quote(name)} SYNC`);
    await db.run(`CREATE TABLE ${db.name}.${quote(name)} (${signature}) ENGINE = MergeTree ORDER BY ${quote(primary.column.name)}`);
    const m: Mirror = { table: new WeakRef(t), name, signature, rows: new WeakRef(t.rows), scanned: 0, pending: [], columns: schema.map((s) => s.column.name), serialize: rowSerializer(schema) };
    this.mirrors.set(t.uuid, m);
    return m;
  }

  private async fill(db: EngineDb, t: Table, m: Mirror, now: number): Promise<void> {
    const visibleAt = t.visibleAt;
    const ready: number[] = [];
    const waiting: number[] = [];
    for (const i of m.pending) (visibleAt![i] <= now ? ready : waiting).push(i);
    const end = t.rows.length;
    if (!visibleAt) {
      for (let i = m.scanned; i < end; i++) ready.push(i);
    } else {
      for (let i = m.scanned; i < end; i++) (visibleAt[i] === undefined || visibleAt[i] <= now ? ready : waiting).push(i);
    }
    m.scanned = end;
    m.pending = waiting;
    try {
      let lines: string[] = [];
      let bytes = 0;
      for (const i of ready) {
        const line = m.serialize(t.rows[i]);
        lines.push(line);
        bytes += line.length;
        if (bytes >= INSERT_CHUNK_BYTES) {
          await db.insert(m.name, m.columns, Buffer.from(lines.join('')));
          lines = [];
          bytes = 0;
        }
      }
      if (lines.length) await db.insert(m.name, m.columns, Buffer.from(lines.join('')));
    } catch (e) {
      this.mirrors.delete(t.uuid); // partly inserted: rebuilt from scratch by the next query
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.lock;
    const db = this.db;
    this.db = null;
    this.mirrors.clear();
    if (db) await (await db.catch(() => null))?.close();
  }
}
