// All emulator state, plus the programmatic test-control API exposed on the handle.
import { randomBytes, randomUUID } from 'node:crypto';
import { Column, CompiledTransform, qtypeOf } from './transform';
import { chName, QType, toInspectJson, Value } from './values';

export type FaultPath = 'ingest' | 'config' | 'query' | 'any';
export interface FaultSpec {
  /** The status answered (ignored for `drop`). */
  status: number;
  /**
   * `refuse` (default): answer `status` without processing the request. `store-then-status`: process
   * it (rows stored), then answer `status` (a gateway's 502 after the upstream stored the body).
   * `store-then-drop`: process it, then close the connection without an answer (the answer is lost).
   * `drop`: close the connection without processing it (nothing stored, but the client cannot know).
   */
  kind?: 'refuse' | 'store-then-status' | 'store-then-drop' | 'drop';
  count?: number;
  durationMs?: number;
  path?: FaultPath;
  retryAfterSeconds?: number;
}
interface Fault extends FaultSpec {
  remaining: number; // Infinity when time-bounded only
  until: number; // epoch ms; Infinity when count-bounded only
}
export interface DelaySpec {
  ms: number;
  path?: FaultPath;
}
export interface User {
  uuid: string;
  username: string;
  password: string;
}
export interface Project {
  uuid: string;
  name: string;
  description: string;
  created: string;
  modified: string;
  settings: Record<string, unknown>;
  tables: Map<string, Table>;
}
export interface RejectedRow {
  row: unknown;
  reason: string;
  transform: string;
  at: string;
}
export interface Table {
  uuid: string;
  project: string;
  name: string;
  description: string;
  type: string;
  settings: Record<string, any>;
  created: string;
  modified: string;
  usableAt: number; // epoch ms: propagation delay before ingest sees the table
  transforms: Map<string, Transform>;
  rows: Record<string, Value>[];
  rejects: RejectedRow[];
  partitions: number;
  /**
   * Epoch ms from which each stored row (same index as `rows`) is queryable, fixed once stamped;
   * absent: every row is visible at once. Stamped only with `visibility: 'partitions'` (ingest.ts).
   */
  visibleAt?: number[];
  /** The partition each temperature's rows go to while it is open (`visibility: 'partitions'`). */
  openPartitions?: Partial<Record<'hot' | 'cold', { openedAt: number; closesAt: number }>>;
}
export interface Transform {
  uuid: string;
  table: string;
  name: string;
  description: string;
  type: string;
  settings: Record<string, any>;
  created: string;
  modified: string;
  usableAt: number;
  compiled: CompiledTransform;
}
export interface Stats {
  ingestRequests: number;
  rowsReceived: number;
  rowsAccepted: number;
  rowsRejected: number;
  faultsInjected: number;
  /** Statuses of /ingest/event responses only (so login/config traffic does not blur ingest assertions). */
  byStatus: Record<string, number>;
  /** Statuses of every Hydrolix API response (not /__emulator). */
  allByStatus: Record<string, number>;
}

export interface EmulatorOptions {
  users?: { username: string; password: string }[];
  tokens?: string[];
  listShape?: 'array' | 'paginated';
  propagationDelayMs?: number;
  /** /query prints max(tuple(a, b)) as {"a":…,"b":…} in JSON, as ClickHouse 24.8 can (named tuples). */
  namedTuples?: boolean;
  /** Org-level query options (hdx_query_timerange_required, hdx_query_max_timerange_sec, …): the lowest precedence. */
  queryOptions?: Record<string, unknown>;
  /**
   * `immediate` (default): a stored row is queryable at once. `partitions`: as a real cluster, rows go
   * to an open hot or cold partition and are queryable only once it closes, `stream.{hot,cold}_data_max_open_seconds`
   * after it opened (plus `indexingDelayMs`): see Table.visibleAt.
   */
  visibility?: 'immediate' | 'partitions';
  indexingDelayMs?: number;
  /**
   * Status for a request in which some rows failed to parse: 207 (a summary; what the emulator
   * always did) or 200, as a real cluster does: bad rows go to reject files, the request "succeeds".
   */
  rejectStatus?: 200 | 207;
  /**
   * Values this cluster cannot parse (ingest and /validator): a field of `column` whose JSON text
   * matches `pattern` fails with `reason`. Stands in for a layout or number format a cluster reads
   * differently from the emulator.
   */
  parseFailures?: { column: string; pattern: string; reason: string }[];
}

const TOKEN_TTL_S = 86400; // doc §1: login tokens last 24 h

export class EmulatorState {
  readonly org = { uuid: randomUUID(), name: 'emulator_org', type: 'singletenant' };
  users: User[];
  readonly staticTokens: Set<string>;
  readonly listShape: 'array' | 'paginated';
  propagationDelayMs: number;
  namedTuples: boolean;
  queryOptions: Record<string, unknown>;
  visibility: 'immediate' | 'partitions';
  indexingDelayMs: number;
  rejectStatus: 200 | 207;
  parseFailures: { column: string; pattern: string; reason: string }[];
  tokens = new Map<string, { user: User; expiresAt: number }>();
  projects = new Map<string, Project>();
  faults: Fault[] = [];
  delays: DelaySpec[] = [];
  stats: Stats = emptyStats();

  constructor(opts: EmulatorOptions = {}) {
    this.users = (opts.users ?? [{ username: 'admin@example.com', password: 'secret' }]).map((u) => ({ ...u, uuid: randomUUID() }));
    this.staticTokens = new Set(opts.tokens ?? []);
    this.listShape = opts.listShape ?? 'paginated';
    this.propagationDelayMs = opts.propagationDelayMs ?? 0;
    this.namedTuples = opts.namedTuples ?? false;
    this.queryOptions = opts.queryOptions ?? {};
    this.visibility = opts.visibility ?? 'immediate';
    this.indexingDelayMs = opts.indexingDelayMs ?? 0;
    this.rejectStatus = opts.rejectStatus ?? 207;
    this.parseFailures = opts.parseFailures ?? [];
  }

  // ---- auth ----
  issueToken(user: User): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // JWT-shaped like the real Keycloak token (doc §1); the signature is random, nothing verifies it.
    const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: user.uuid, email: user.username, iat: now, exp: now + TOKEN_TTL_S, iss: 'emulator/keycloak/realms/hydrolix-users', jti: randomUUID() })}.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { user, expiresAt: Date.now() + TOKEN_TTL_S * 1000 });
    return token;
  }
  tokenUser(token: string): User | null {
    if (this.staticTokens.has(token)) return this.users[0] ?? null;
    const t = this.tokens.get(token);
    if (!t) return null;
    if (t.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return null;
    }
    return t.user;
  }
  checkPassword(username: string, password: string): User | null {
    return this.users.find((u) => u.username === username && u.password === password) ?? null;
  }
  /** Test control: invalidate every login token (simulates expiry → clients must log in again). */
  expireTokens(): void {
    this.tokens.clear();
  }

  // ---- faults / delays ----
  injectFault(spec: FaultSpec): void {
    if (spec.kind !== 'store-then-drop' && spec.kind !== 'drop' && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) {
      throw new Error('status must be an HTTP status code');
    }
    const hasCount = spec.count !== undefined, hasDur = spec.durationMs !== undefined;
    this.faults.push({
      ...spec,
      path: spec.path ?? 'ingest',
      remaining: hasCount ? spec.count! : hasDur ? Infinity : 1,
      until: hasDur ? Date.now() + spec.durationMs! : Infinity,
    });
  }
  clearFaults(): void {
    this.faults = [];
  }
  /** Consumes and returns the first live fault matching this request's path class. */
  takeFault(path: Exclude<FaultPath, 'any'>): Fault | null {
    const now = Date.now();
    this.faults = this.faults.filter((f) => f.remaining > 0 && f.until > now);
    const f = this.faults.find((x) => x.path === 'any' || x.path === path);
    if (!f) return null;
    f.remaining--;
    this.stats.faultsInjected++;
    return f;
  }
  setDelay(spec: DelaySpec): void {
    this.delays = this.delays.filter((d) => (d.path ?? 'ingest') !== (spec.path ?? 'ingest'));
    if (spec.ms > 0) this.delays.push({ ms: spec.ms, path: spec.path ?? 'ingest' });
  }
  clearDelays(): void {
    this.delays = [];
  }
  delayFor(path: Exclude<FaultPath, 'any'>): number {
    return this.delays.filter((d) => d.path === 'any' || d.path === path).reduce((a, d) => a + d.ms, 0);
  }

  reset(): void {
    this.projects.clear();
    this.tokens.clear();
    this.faults = [];
    this.delays = [];
    this.stats = emptyStats();
  }

  // ---- lookups ----
  projectByName(name: string): Project | undefined {
    return [...this.projects.values()].find((p) => p.name === name);
  }
  tableByName(project: string, table: string): Table | undefined {
    const p = this.projectByName(project);
    return p && [...p.tables.values()].find((t) => t.name === table);
  }

  /** Table schema = union of the columns of its transforms (first definition wins; conflicts are refused at create). */
  schema(t: Table): { column: Column; type: QType }[] {
    const out = new Map<string, { column: Column; type: QType }>();
    for (const tr of t.transforms.values()) {
      for (const c of tr.compiled.columns) if (!out.has(c.name)) out.set(c.name, { column: c, type: qtypeOf(c.dt, c.nullable) });
    }
    return [...out.values()];
  }

  // ---- inspection (also served under /__emulator) ----
  rows(project: string, table: string): { columns: { name: string; type: string }[]; rows: Record<string, unknown>[] } {
    const t = this.mustTable(project, table);
    const schema = this.schema(t);
    return {
      columns: schema.map((s) => ({ name: s.column.name, type: chName(s.type) })),
      rows: t.rows.map((r) => Object.fromEntries(schema.map((s) => [s.column.name, toInspectJson(r[s.column.name] ?? null)]))),
    };
  }
  rejects(project: string, table: string): RejectedRow[] {
    return this.mustTable(project, table).rejects;
  }
  table(project: string, table: string): Record<string, unknown> {
    const t = this.mustTable(project, table);
    return { ...tableJson(this, t), transforms: [...t.transforms.values()].map((x) => transformJson(this, t, x)) };
  }
  getStats(): Stats {
    return structuredClone(this.stats);
  }
  private mustTable(project: string, table: string): Table {
    const t = this.tableByName(project, table);
    if (!t) throw new Error(`no table ${project}.${table}`);
    return t;
  }
}

function emptyStats(): Stats {
  return { ingestRequests: 0, rowsReceived: 0, rowsAccepted: 0, rowsRejected: 0, faultsInjected: 0, byStatus: {}, allByStatus: {} };
}

const base = '/config/v1/orgs';
export function projectJson(s: EmulatorState, p: Project) {
  return { uuid: p.uuid, name: p.name, description: p.description, org: s.org.uuid, created: p.created, modified: p.modified, url: `${base}/${s.org.uuid}/projects/${p.uuid}/`, settings: p.settings };
}
export function tableJson(s: EmulatorState, t: Table) {
  return { uuid: t.uuid, project: t.project, name: t.name, description: t.description, type: t.type, created: t.created, modified: t.modified, url: `${base}/${s.org.uuid}/projects/${t.project}/tables/${t.uuid}/`, settings: t.settings };
}
export function transformJson(s: EmulatorState, t: Table, x: Transform) {
  return { uuid: x.uuid, name: x.name, description: x.description, type: x.type, table: t.uuid, settings: x.settings, created: x.created, modified: x.modified, url: `${base}/${s.org.uuid}/projects/${t.project}/tables/${t.uuid}/transforms/${x.uuid}/` };
}
