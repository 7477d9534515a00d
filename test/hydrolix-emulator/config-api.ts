// Config API (/config/v1/...), DRF-flavoured (doc §2): {"detail": ...} errors, {field: [msg]} validation.
import { randomUUID } from 'node:crypto';
import { authenticate } from './auth';
import { decodeUtf8, json, mediaType, Req, Res } from './http';
import { qtypeOf, RESOURCE_NAME_RE, validateTransform } from './transform';
import { chName } from './values';
import {
  EmulatorState, Project, projectJson, Table, tableJson, Transform, transformJson,
} from './state';

const notFound = () => json(404, { detail: 'Not found.' });
const notAllowed = (m: string) => json(405, { detail: `Method "${m}" not allowed.` });
const nowIso = () => new Date().toISOString();

class HttpError extends Error {
  constructor(readonly res: Res) {
    super('http');
  }
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readBody(req: Req): Record<string, any> {
  if (req.body.length === 0) return {};
  if (mediaType(req) !== 'application/json') {
    throw new HttpError(json(415, { detail: `Unsupported media type "${mediaType(req)}" in request.` }));
  }
  const text = decodeUtf8(req.body);
  try {
    const v = JSON.parse(text ?? '\u0000');
    if (!isObj(v)) throw new Error('Expected a JSON object');
    return v;
  } catch (e) {
    throw new HttpError(json(400, { detail: `JSON parse error - ${(e as Error).message}` }));
  }
}

function list(state: EmulatorState, items: unknown[]): Res {
  return json(200, state.listShape === 'array' ? items : { count: items.length, next: null, previous: null, results: items });
}

// ---- table settings ----
export function defaultTableSettings(): Record<string, any> {
  return {
    stream: {
      token_auth_enabled: false, token_list: [],
      hot_data_max_age_minutes: 3, hot_data_max_active_partitions: 3, hot_data_max_rows_per_partition: 12288000,
      hot_data_max_minutes_per_partition: 1, hot_data_max_open_seconds: 60, hot_data_max_idle_seconds: 30,
      cold_data_max_age_days: 365, cold_data_max_active_partitions: 50, cold_data_max_rows_per_partition: 12288000,
      cold_data_max_minutes_per_partition: 60, cold_data_max_open_seconds: 300, cold_data_max_idle_seconds: 60,
    },
    age: { max_age_days: 0 },
    reaper: { max_age_days: 1 },
    merge: { enabled: true },
    autoingest: [],
    sort_keys: [],
    shard_key: null,
    max_future_days: 0,
    max_request_bytes: -1,
    rate_limit: null,
    default_query_options: {},
    summary: null,
    scale: { expected_tb_per_day: 0 },
  };
}

/** Deep-merges `patch` into `target`, validating against the defaults' shapes. Returns DRF-style errors. */
function mergeSettings(target: Record<string, any>, patch: unknown, shape: Record<string, any>): Record<string, unknown> | null {
  if (!isObj(patch)) return { non_field_errors: ['Invalid data. Expected a dictionary.'] };
  const errs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const d = shape[k];
    if (k === 'rate_limit') {
      // doc §4: {limit: bytes/s, burst: max bytes per request}
      if (v !== null && !(isObj(v) && ['limit', 'burst'].every((x) => Number.isInteger(v[x]) && v[x] >= 0))) {
        errs[k] = ['Expected null or {"limit": int >= 0, "burst": int >= 0}.'];
      } else target[k] = v;
    } else if (k === 'token_list') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) errs[k] = ['Expected a list of strings.'];
      else target[k] = v;
    } else if (typeof d === 'number') {
      const min = k === 'max_request_bytes' ? -1 : 0;
      if (!Number.isInteger(v)) errs[k] = ['A valid integer is required.'];
      else if ((v as number) < min) errs[k] = [`Ensure this value is greater than or equal to ${min}.`];
      else target[k] = v;
    } else if (typeof d === 'boolean') {
      if (typeof v !== 'boolean') errs[k] = ['Must be a valid boolean.'];
      else target[k] = v;
    } else if (Array.isArray(d)) {
      if (!Array.isArray(v)) errs[k] = ['Expected a list of items.'];
      else target[k] = v;
    } else if (isObj(d)) {
      if (!isObj(v)) errs[k] = ['Invalid data. Expected a dictionary.'];
      else {
        const sub = { ...(isObj(target[k]) ? target[k] : {}) };
        const e = mergeSettings(sub, v, d);
        if (e) errs[k] = e;
        else target[k] = sub;
      }
    } else {
      target[k] = isObj(v) && isObj(target[k]) ? deepMerge(target[k], v) : v; // unknown/free-form keys
    }
  }
  return Object.keys(errs).length ? errs : null;
}

function deepMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

function checkName(body: Record<string, any>, taken: string[]): Record<string, string[]> | null {
  if (typeof body.name !== 'string' || body.name === '') return { name: ['This field is required.'] };
  // UNCONFIRMED: exact name rules. Doc: "short lowercase names with underscores" → ^[a-z0-9_]{1,64}$.
  if (!RESOURCE_NAME_RE.test(body.name)) return { name: ['Enter a valid name: lowercase letters, digits and underscores only (max 64).'] };
  if (taken.includes(body.name)) return { name: ['This field must be unique.'] };
  return null;
}

function checkDescription(body: Record<string, any>): Record<string, string[]> | null {
  return body.description === undefined || body.description === null || typeof body.description === 'string'
    ? null : { description: ['Not a valid string.'] };
}

// ---- handler ----
export function handleConfig(state: EmulatorState, req: Req): Res {
  try {
    return route(state, req);
  } catch (e) {
    if (e instanceof HttpError) return e.res;
    throw e;
  }
}

function route(state: EmulatorState, req: Req): Res {
  const seg = req.path.split('/').filter(Boolean).slice(2); // drop "config", "v1"
  const m = req.method;

  if (seg.length === 1 && seg[0] === 'login') {
    if (m !== 'POST') return notAllowed(m);
    const body = readBody(req);
    const missing = ['username', 'password'].filter((k) => typeof body[k] !== 'string' || !body[k]);
    if (missing.length) return json(400, Object.fromEntries(missing.map((k) => [k, ['This field is required.']])));
    const user = state.checkPassword(body.username, body.password);
    // UNCONFIRMED (doc §1): status for a wrong password; 401 with a detail message.
    if (!user) return json(401, { detail: 'Invalid username or password.' });
    return json(200, {
      uuid: user.uuid, email: user.username,
      orgs: [{ uuid: state.org.uuid, name: state.org.name, type: state.org.type }],
      groups: [], roles: [], is_superuser: false,
      auth_token: { access_token: state.issueToken(user), expires_in: 86400, token_type: 'Bearer' },
    });
  }

  const auth = authenticate(state, req, false);
  if ('error' in auth) {
    return json(401, { detail: auth.error === 'missing' ? 'Authentication credentials were not provided.' : 'Given token not valid for any token type' });
  }

  if (seg[0] === 'users' && seg[1] === 'current' && seg.length === 2) {
    if (m !== 'GET') return notAllowed(m);
    const u = auth.user;
    return json(200, { uuid: u.uuid, email: u.username, username: u.username, orgs: [state.org], groups: [], roles: [], is_superuser: false });
  }
  if (seg[0] !== 'orgs') return notFound();
  if (seg.length === 1) return m === 'GET' ? list(state, [state.org]) : notAllowed(m);
  if (seg[1] !== state.org.uuid) return notFound();
  if (seg.length === 2) return m === 'GET' ? json(200, state.org) : notAllowed(m);
  if (seg[2] !== 'projects') return notFound();

  // /orgs/{org}/projects[/{uuid}[/tables...]]
  if (seg.length === 3) {
    if (m === 'GET') return list(state, [...state.projects.values()].map((p) => projectJson(state, p)));
    if (m !== 'POST') return notAllowed(m);
    const body = readBody(req);
    const err = checkName(body, [...state.projects.values()].map((p) => p.name)) ?? checkDescription(body);
    if (err) return json(400, err);
    const ts = nowIso();
    const p: Project = { uuid: randomUUID(), name: body.name, description: body.description ?? '', created: ts, modified: ts, settings: isObj(body.settings) ? body.settings : {}, tables: new Map() };
    state.projects.set(p.uuid, p);
    return json(201, projectJson(state, p)); // UNCONFIRMED 200 vs 201: DRF convention
  }
  const project = state.projects.get(seg[3]);
  if (!project) return notFound();
  if (seg.length === 4) {
    if (m === 'GET') return json(200, projectJson(state, project));
    if (m === 'DELETE') {
      state.projects.delete(project.uuid); // cascades to tables/transforms
      return { status: 204 };
    }
    return notAllowed(m);
  }
  if (seg[4] !== 'tables') return notFound();
  if (seg.length === 5) return tablesCollection(state, req, project);
  const table = project.tables.get(seg[5]);
  if (!table) return notFound();
  if (seg.length === 6) return tableItem(state, req, project, table);
  if (seg.length === 7 && seg[6] === 'stats') {
    if (m !== 'GET') return notAllowed(m);
    return json(200, { total_rows: table.rows.length, total_partitions: table.partitions });
  }
  if (seg[6] !== 'transforms') return notFound();
  if (seg.length === 7) {
    if (m === 'GET') return list(state, [...table.transforms.values()].map((x) => transformJson(state, table, x)));
    if (m !== 'POST') return notAllowed(m);
    return saveTransform(state, table, readBody(req), null);
  }
  const tr = table.transforms.get(seg[7]);
  if (!tr || seg.length > 8) return notFound();
  if (m === 'GET') return json(200, transformJson(state, table, tr));
  if (m === 'PUT') return saveTransform(state, table, readBody(req), tr);
  if (m === 'DELETE') {
    table.transforms.delete(tr.uuid);
    return { status: 204 };
  }
  // doc §2: "some versions reject PATCH with 405" — the emulator takes the strict side.
  return notAllowed(m);
}

function tablesCollection(state: EmulatorState, req: Req, project: Project): Res {
  if (req.method === 'GET') return list(state, [...project.tables.values()].map((t) => tableJson(state, t)));
  if (req.method !== 'POST') return notAllowed(req.method);
  const body = readBody(req);
  const err = checkName(body, [...project.tables.values()].map((t) => t.name)) ?? checkDescription(body);
  if (err) return json(400, err);
  const type = body.type ?? 'turbine';
  if (type !== 'turbine' && type !== 'summary') return json(400, { type: [`"${String(type)}" is not a valid choice.`] });
  const settings = defaultTableSettings();
  if (body.settings !== undefined) {
    const e = mergeSettings(settings, body.settings, defaultTableSettings());
    if (e) return json(400, { settings: e });
  }
  const ts = nowIso();
  // UNCONFIRMED (doc §2): a client-supplied "uuid" is ignored; clients must read uuid from the response.
  const t: Table = {
    uuid: randomUUID(), project: project.uuid, name: body.name, description: body.description ?? '', type, settings,
    created: ts, modified: ts, usableAt: Date.now() + state.propagationDelayMs, transforms: new Map(), rows: [], rejects: [], partitions: 0,
  };
  project.tables.set(t.uuid, t);
  return json(201, tableJson(state, t));
}

function tableItem(state: EmulatorState, req: Req, project: Project, table: Table): Res {
  const m = req.method;
  if (m === 'GET') return json(200, tableJson(state, table));
  if (m === 'DELETE') {
    project.tables.delete(table.uuid);
    return { status: 204 };
  }
  if (m !== 'PATCH' && m !== 'PUT') return notAllowed(m);
  const body = readBody(req);
  if (body.name !== undefined && body.name !== table.name) {
    const err = checkName(body, [...project.tables.values()].map((t) => t.name));
    if (err) return json(400, err);
  }
  const dErr = checkDescription(body);
  if (dErr) return json(400, dErr);
  // PATCH deep-merges settings; PUT replaces them (on top of defaults).
  const settings = m === 'PATCH' ? structuredClone(table.settings) : defaultTableSettings();
  if (body.settings !== undefined) {
    const e = mergeSettings(settings, body.settings, defaultTableSettings());
    if (e) return json(400, { settings: e });
  }
  if (body.name !== undefined) table.name = body.name;
  if (body.description !== undefined) table.description = body.description ?? '';
  table.settings = settings;
  table.modified = nowIso();
  return json(200, tableJson(state, table));
}

function saveTransform(state: EmulatorState, table: Table, body: Record<string, any>, existing: Transform | null): Res {
  const v = validateTransform(body);
  if (v.errors) return json(400, v.errors);
  const compiled = v.compiled!;
  const others = [...table.transforms.values()].filter((x) => x !== existing);
  if (others.some((x) => x.name === body.name)) return json(400, { name: ['This field must be unique.'] }); // doc §2, unique per table
  if (body.settings.is_default === true && others.some((x) => x.settings.is_default === true)) {
    return json(400, { settings: { is_default: ['A default transform already exists for this table.'] } });
  }
  // Emulator choice (UNCONFIRMED): all transforms of a table share one schema, so a column may not
  // change type between transforms and the primary column must be the same one.
  const colErrs: string[] = [];
  for (const o of others) {
    if (o.compiled.primary.name !== compiled.primary.name) colErrs.push(`Column '${compiled.primary.name}': the table's primary column is '${o.compiled.primary.name}' (transform '${o.name}').`);
    for (const c of compiled.columns) {
      const oc = o.compiled.columns.find((x) => x.name === c.name);
      if (oc && chName(qtypeOf(oc.dt, true)) !== chName(qtypeOf(c.dt, true))) {
        colErrs.push(`Column '${c.name}': type ${c.dt.type} conflicts with ${oc.dt.type} in transform '${o.name}'.`);
      }
    }
  }
  if (colErrs.length) return json(400, { settings: { output_columns: [...new Set(colErrs)] } });
  const ts = nowIso();
  const settings = { is_default: false, ...body.settings };
  if (existing) {
    Object.assign(existing, { name: body.name, description: body.description ?? '', type: body.type, settings, compiled, modified: ts });
    return json(200, transformJson(state, table, existing));
  }
  const tr: Transform = {
    uuid: randomUUID(), table: table.uuid, name: body.name, description: body.description ?? '', type: body.type, settings,
    created: ts, modified: ts, usableAt: Date.now() + state.propagationDelayMs, compiled,
  };
  table.transforms.set(tr.uuid, tr);
  return json(201, transformJson(state, table, tr));
}
