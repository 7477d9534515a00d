// Query API (doc §6), answered by real ClickHouse (chdb, see engine.ts) over the rows ingest stored:
// `project.table` names become the engine tables mirroring them (mirror.ts), Hydrolix's own
// settings (hdx_query_*) are taken out and applied here, everything else is ClickHouse's.
import { authenticate } from './auth';
import { type EngineDb, EngineError, engineVersionText } from './engine';
import { decodeUtf8, header, json, Req, Res } from './http';
import { Mirrors } from './mirror';
import { isKw, QueryError, queryTail, type Tail, Tok, tokenize, twoPartNames } from './sql';
import type { EmulatorState, Table } from './state';
import { checkTimeRange, HdxStorageError } from './timerange';

const engines = new WeakMap<EmulatorState, Mirrors>();
function mirrorsOf(state: EmulatorState): Mirrors {
  let m = engines.get(state);
  if (!m) engines.set(state, (m = new Mirrors(state)));
  return m;
}

/** Releases the emulator's engine database (the engine itself closes with its last user). */
export async function closeQueryEngine(state: EmulatorState): Promise<void> {
  const m = engines.get(state);
  engines.delete(state);
  await m?.close();
}

/** Per-emulator engine settings (the process-wide ones are in engine.ts). */
function engineSettings(state: EmulatorState): Record<string, string> {
  // 24.8 can name tuple(a, b)'s elements after its arguments and print named tuples as JSON objects.
  return state.namedTuples ? { enable_named_columns_in_function_tuple: '1', output_format_json_named_tuples_as_objects: '1' } : {};
}

/** Statements that change something: the emulator's /query is read-only (anything else is ClickHouse's to parse). */
const WRITE_STATEMENTS = ['INSERT', 'CREATE', 'DROP', 'ALTER', 'RENAME', 'TRUNCATE', 'OPTIMIZE', 'SYSTEM', 'SET', 'KILL', 'ATTACH', 'DETACH',
  'GRANT', 'REVOKE', 'USE', 'DELETE', 'UPDATE', 'BACKUP', 'RESTORE', 'EXCHANGE', 'UNDROP', 'MOVE', 'REPLACE', 'CHECK'];
const CONTENT_TYPES: Record<string, string> = {
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: 'text/csv; charset=UTF-8; header=present',
  TabSeparated: 'text/tab-separated-values; charset=UTF-8',
  TSV: 'text/tab-separated-values; charset=UTF-8',
};

function errorBody(message: string, sql: string): Res {
  // Hydrolix answers every query error with 400 and {"error", "query"} (doc §6).
  return json(400, { error: message, query: sql });
}
/** ClickHouse over HTTP ends an error message with the server's version. */
const versioned = (msg: string) => (engineVersionText() ? `${msg} (version ${engineVersionText()})` : msg);
const chError = (e: QueryError) => versioned(`Code: ${e.code}. DB::Exception: ${e.message}. (${e.codeName})`);

/** `k=v,k2=v2` (the X-HDX-query-settings header, doc §6). */
function headerSettings(req: Req): [string, string][] {
  return (header(req, 'x-hdx-query-settings') ?? '')
    .split(',')
    .map((kv) => kv.split('=').map((s) => s.trim()))
    .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== '' && kv[1] !== '');
}

const truthy = (v: unknown) => v === true || (typeof v === 'string' && /^(1|true)$/i.test(v)) || v === 1;
const optionsOf = (o: { settings: Record<string, any> } | undefined): Record<string, unknown> => {
  const d = o?.settings?.default_query_options;
  return d && typeof d === 'object' && !Array.isArray(d) ? d : {};
};

interface Ref {
  first: Tok;
  second: Tok;
  table: Table;
}

/** `project.table` names of stored tables; an unknown one in a FROM / JOIN is refused as ClickHouse would. */
function tableRefs(state: EmulatorState, toks: Tok[]): Ref[] {
  const refs: Ref[] = [];
  for (const n of twoPartNames(toks)) {
    const project = state.projectByName(n.first.v);
    const table = project && [...project.tables.values()].find((t) => t.name === n.second.v);
    if (table) refs.push({ ...n, table });
    else if (n.tablePosition && project) throw new QueryError(60, 'UNKNOWN_TABLE', `Table ${n.first.v}.${n.second.v} does not exist`);
    else if (n.tablePosition && !/^(system|information_schema)$/i.test(n.first.v)) throw new QueryError(81, 'UNKNOWN_DATABASE', `Database ${n.first.v} does not exist`);
  }
  return refs;
}

/** Hydrolix's own options (hdx_*) and the settings passed to ClickHouse: SQL SETTINGS over ?params over the header (doc §6). */
function querySettings(state: EmulatorState, req: Req, tail: Tail): { hdx: Record<string, unknown>; engine: Record<string, string> } {
  const hdx: Record<string, unknown> = {};
  const engine = engineSettings(state);
  for (const [k, v] of headerSettings(req)) {
    if (k.startsWith('hdx_')) hdx[k] = v;
    else engine[k] = /^-?[\d.]+$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  for (const [k, v] of req.query) if (k.startsWith('hdx_')) hdx[k] = v;
  for (const s of tail.settings) {
    if (s.key.startsWith('hdx_')) hdx[s.key] = s.value;
    else engine[s.key] = s.raw;
  }
  if (hdx.hdx_query_max_result_rows !== undefined) {
    engine.max_result_rows = String(Number(hdx.hdx_query_max_result_rows));
    engine.result_overflow_mode = "'throw'";
  }
  return { hdx, engine };
}

/** The time-range breakers of each table the query reads; table, project and org defaults below the query's own options. */
async function checkTimeRanges(state: EmulatorState, db: EngineDb, sql: string, toks: Tok[], refs: Ref[], hdx: Record<string, unknown>): Promise<void> {
  for (const t of new Set(refs.map((r) => r.table))) {
    const o = { ...state.queryOptions, ...optionsOf(state.projects.get(t.project)), ...optionsOf(t), ...hdx };
    const primary = state.schema(t).find((s) => s.column.primary)?.column.name;
    if (!primary) throw new QueryError(60, 'UNKNOWN_TABLE', `Table ${refs.find((r) => r.table === t)!.first.v}.${t.name} has no columns (it has no transform)`);
    await checkTimeRange(db, sql, toks, primary, {
      required: truthy(o.hdx_query_timerange_required),
      maxSeconds: Number(o.hdx_query_max_timerange_sec ?? 0) || 0,
    });
  }
}

export async function handleQuery(state: EmulatorState, req: Req): Promise<Res> {
  if (req.method !== 'GET' && req.method !== 'POST') return json(405, { error: `Method ${req.method} not allowed`, query: '' });
  const param = req.query.get('query') ?? '';
  const posted = req.method === 'POST' ? decodeUtf8(req.body) ?? '' : '';
  const sql = [param, posted].filter((s) => s.trim()).join('\n'); // ClickHouse HTTP: ?query= then the body

  const auth = authenticate(state, req, true);
  if ('error' in auth) {
    // doc §6: Hydrolix answers bad/missing credentials on /query with 400 (not 401).
    const why = auth.error === 'missing' ? 'ContextError no authentication token provided' : 'Authentication failed: password is incorrect, or there is no user with such name';
    return errorBody(chError(new QueryError(516, 'AUTHENTICATION_FAILED', why)), sql);
  }
  const mirrors = mirrorsOf(state);
  let refs: Ref[] = [];
  try {
    if (!sql.trim()) throw new QueryError(62, 'SYNTAX_ERROR', 'Empty query');
    const all = tokenize(sql);
    const lead = all.find((t) => !(t.k === 'op' && t.v === '('));
    if (isKw(lead, ...WRITE_STATEMENTS) || all.some((t, i) => isKw(t, 'INTO') && isKw(all[i + 1], 'OUTFILE'))) {
      throw new QueryError(164, 'READONLY', 'Cannot execute query in readonly mode');
    }
    const tail = queryTail(sql, all);
    const toks = all.slice(0, tail.end); // the query without its trailing SETTINGS / FORMAT
    refs = tableRefs(state, toks);
    const { hdx, engine } = querySettings(state, req, tail);
    const format = tail.format ?? String(hdx.hdx_query_output_format ?? req.query.get('default_format') ?? 'CSV'); // doc §6: CSV by default

    const db = await mirrors.engine();
    await checkTimeRanges(state, db, sql, toks, refs, hdx);
    const names = await mirrors.sync([...new Set(refs.map((r) => r.table))], Date.now);
    let text = '';
    let at = 0;
    for (const r of refs) {
      text += sql.slice(at, r.first.start) + names.get(r.table)!;
      at = r.second.end;
    }
    text += sql.slice(at, toks.length ? toks[toks.length - 1].end : 0);
    // A new line: the query may end in a -- comment.
    if (Object.keys(engine).length) text += `\nSETTINGS ${Object.entries(engine).map(([k, v]) => `${k} = ${v}`).join(', ')}`;

    const out = await db.query(text, format);
    return { status: 200, headers: { 'content-type': CONTENT_TYPES[format] ?? 'text/plain; charset=UTF-8', 'x-clickhouse-format': format }, body: out };
  } catch (e) {
    if (e instanceof QueryError) return errorBody(chError(e), sql);
    if (e instanceof HdxStorageError) return errorBody(e.message, sql);
    if (e instanceof EngineError) return errorBody(versioned(publicNames(e.message, refs, await mirrors.engine().then((d) => d.name, () => ''))), sql);
    throw e;
  }
}

/** The engine's names in an error message, back to the `project.table` the query used. */
function publicNames(msg: string, refs: Ref[], db: string): string {
  let out = msg;
  for (const r of refs) {
    const internal = `t_${r.table.uuid.replace(/-/g, '')}`;
    const shown = `${r.first.v}.${r.second.v}`;
    out = out.split(`${db}.\`${internal}\``).join(shown).split(`${db}.${internal}`).join(shown);
  }
  return out;
}
