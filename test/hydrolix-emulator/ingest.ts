// Streaming ingest: POST /ingest/event (doc §4).
import { gunzipSync } from 'node:zlib';
import { authenticate } from './auth';
import { decodeUtf8, header, json, mediaType, Req, Res } from './http';
import { isJsonObject, JsonNumber, JsonParseError, JsonValue, parseJsonSequence, toPlain } from './json';
import type { EmulatorState, Table, Transform } from './state';
import { CompiledTransform, parseRow, RowError, WindowSettings } from './transform';
import { DT, Value } from './values';

const MAX_REASONS = 10;

export function handleIngest(state: EmulatorState, req: Req): Res {
  if (req.method !== 'POST') return json(405, { code: 405, message: `method ${req.method} not allowed` });

  const auth = authenticate(state, req, true);
  if ('error' in auth) return json(401, { code: 401, message: auth.error === 'missing' ? 'authorization required' : 'invalid credentials' });

  const ct = mediaType(req);
  if (ct === 'text/csv') return json(415, { code: 415, message: 'text/csv ingest is not implemented by the emulator; send application/json' });
  if (ct !== 'application/json') return json(400, { code: 400, message: `Content-Type must be application/json (got ${JSON.stringify(ct)})` });

  const tableRef = header(req, 'x-hdx-table') ?? req.query.get('table') ?? '';
  if (!tableRef) return json(400, { code: 400, message: 'missing table: set the x-hdx-table header or ?table=project.table' });
  const dot = tableRef.indexOf('.');
  if (dot <= 0 || dot === tableRef.length - 1) return json(400, { code: 400, message: `table must be "project.table", got ${JSON.stringify(tableRef)}` });
  const now = Date.now();
  const table = state.tableByName(tableRef.slice(0, dot), tableRef.slice(dot + 1));
  // UNCONFIRMED (doc §4): status for an unknown table/transform — 404. A table/transform still inside
  // the propagation delay answers exactly like an unknown one, since the intake head has not seen it yet.
  if (!table || table.usableAt > now) return json(404, { code: 404, message: `table ${tableRef} not found` });

  if (table.settings.stream?.token_auth_enabled) {
    const tok = header(req, 'x-hdx-token') ?? req.query.get('token');
    if (!tok || !(table.settings.stream.token_list ?? []).includes(tok)) return json(403, { code: 403, message: 'invalid stream token' }); // doc §1
  }

  const trName = header(req, 'x-hdx-transform') ?? req.query.get('transform');
  let transform: Transform | undefined;
  if (trName) {
    transform = [...table.transforms.values()].find((t) => t.name === trName);
    if (!transform || transform.usableAt > now) return json(404, { code: 404, message: `transform ${trName} not found for table ${tableRef}` });
  } else {
    transform = [...table.transforms.values()].find((t) => t.settings.is_default === true && t.usableAt <= now);
    if (!transform) return json(400, { code: 400, message: `no transform named and table ${tableRef} has no default transform` });
  }
  if (transform.type !== 'json') return json(400, { code: 400, message: `transform ${transform.name} is ${transform.type}, body is JSON` });

  // Rate limit (doc §4, works from Content-Length): burst 0 blocks everything; larger bodies than burst are refused.
  const rl = table.settings.rate_limit;
  if (rl && (rl.burst === 0 || req.body.length > rl.burst)) return json(429, { code: 429, message: 'rate limit exceeded' });
  const maxBytes = table.settings.max_request_bytes;
  if (typeof maxBytes === 'number' && maxBytes > 0 && req.body.length > maxBytes) {
    return json(413, { code: 413, message: `request exceeds max_request_bytes ${maxBytes}` }); // status UNCONFIRMED
  }

  let body = req.body;
  const enc = (header(req, 'content-encoding') ?? '').trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') {
    try {
      body = gunzipSync(body);
    } catch (e) {
      return json(400, { code: 400, message: `invalid gzip body: ${(e as Error).message}` });
    }
  } else if (enc !== '' && enc !== 'identity') {
    // doc §4: only gzip is documented for Content-Encoding (zstd etc. UNCONFIRMED) → refused.
    return json(415, { code: 415, message: `unsupported Content-Encoding ${JSON.stringify(enc)}` });
  }

  const text = decodeUtf8(body);
  if (text === null) return json(400, { code: 400, message: 'body is not valid UTF-8' });
  let docs: JsonValue[];
  try {
    docs = parseJsonSequence(text);
  } catch (e) {
    if (e instanceof JsonParseError) return json(400, { code: 400, message: `invalid JSON: ${e.message}` });
    throw e;
  }
  // Accepted shapes (doc §4): one array of objects, one object, or NDJSON/concatenated objects.
  let inputs: JsonValue[];
  if (docs.length === 1 && Array.isArray(docs[0])) inputs = docs[0];
  else if (docs.every(isJsonObject)) inputs = docs;
  else return json(400, { code: 400, message: 'body must be a JSON array of objects, an object, or newline-delimited objects' });
  // UNCONFIRMED: an empty body / empty array. Refused, so the connector never relies on it.
  if (inputs.length === 0) return json(400, { code: 400, message: 'no rows in request' });

  const window = {
    coldMaxAgeDays: Number(table.settings.stream?.cold_data_max_age_days ?? 365),
    maxFutureDays: Number(table.settings.max_future_days ?? 0),
  };
  const accepted: Record<string, Value>[] = [];
  const reasons: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    try {
      accepted.push(parseInput(state, inputs[i], transform.compiled, window, now));
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      const reason = `row ${i}: ${e.message}`;
      if (reasons.length < MAX_REASONS) reasons.push(reason);
      table.rejects.push({ row: toPlain(inputs[i]), reason, transform: transform.name, at: new Date(now).toISOString() });
    }
  }
  store(state, table, transform.compiled, accepted, now);
  state.stats.rowsReceived += inputs.length;
  state.stats.rowsAccepted += accepted.length;
  state.stats.rowsRejected += inputs.length - accepted.length;
  if (accepted.length === inputs.length || state.rejectStatus === 200) return json(200, { code: 200, message: 'success' });
  // UNCONFIRMED body (doc §4 "suggested emulator behaviour"): 207 + summary, also when every row is rejected,
  // because real Hydrolix accepts the request and writes bad rows to reject files asynchronously.
  return json(207, { code: 207, message: 'some rows were rejected', accepted: accepted.length, rejected: inputs.length - accepted.length, reasons });
}

/** parseRow, after the cluster's own parse failures (EmulatorOptions.parseFailures). */
export function parseInput(state: EmulatorState, input: JsonValue, t: CompiledTransform, w: WindowSettings, now: number): Record<string, Value> {
  if (isJsonObject(input)) {
    for (const f of state.parseFailures) {
      const c = t.columns.find((x) => x.name === f.column);
      const v = c ? input[c.source] : undefined;
      if (v === undefined || v === null) continue;
      const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : JSON.stringify(toPlain(v));
      if (new RegExp(f.pattern).test(text)) throw new RowError(`column "${f.column}": ${f.reason}`);
    }
  }
  return parseRow(input, t, w, now);
}

function store(state: EmulatorState, table: Table, t: CompiledTransform, rows: Record<string, Value>[], now: number): void {
  if (!rows.length) return;
  for (const r of rows) table.rows.push(r); // no spread: huge batches would overflow the call stack
  table.partitions++; // each accepted request becomes (at least) one partition
  if (state.visibility === 'partitions') stampVisibility(state, table, t, rows, now);
  else if (table.visibleAt) for (let i = 0; i < rows.length; i++) table.visibleAt.push(now);
}

/**
 * `visibility: 'partitions'`: a row joins its temperature's open partition (a new one opens when the
 * last has closed) and is queryable once that partition closes, `*_max_open_seconds` after it opened,
 * plus indexing. Hot rows are those within stream.hot_data_max_age_minutes of now (doc §4). Closing
 * early when idle is not modelled: rows show up no sooner than on a cluster, which is the side that
 * breaks a client that asks too soon.
 */
function stampVisibility(state: EmulatorState, table: Table, t: CompiledTransform, rows: Record<string, Value>[], now: number): void {
  const stream = table.settings.stream ?? {};
  const seconds = (k: string, d: number) => (typeof stream[k] === 'number' ? stream[k] : d);
  const hotAgeMs = seconds('hot_data_max_age_minutes', 3) * 60_000;
  const visibleAt = (table.visibleAt ??= table.rows.slice(0, table.rows.length - rows.length).map(() => 0));
  const open = (table.openPartitions ??= {});
  for (const r of rows) {
    const ts = r[t.primary.name];
    const temp = ts instanceof DT && ts.ms >= now - hotAgeMs ? 'hot' : 'cold';
    let p = open[temp];
    if (!p || p.closesAt <= now) {
      p = { openedAt: now, closesAt: now + seconds(`${temp}_data_max_open_seconds`, temp === 'hot' ? 60 : 300) * 1000 };
      open[temp] = p;
    }
    visibleAt.push(p.closesAt + state.indexingDelayMs);
  }
}

