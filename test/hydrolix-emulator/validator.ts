// Transform validator: POST /validator with `x-hdx-test: true` (doc §2 end). Parses sample rows with a
// transform without storing anything. The answer beyond `{"code":200,...}` is UNCONFIRMED; the emulator's:
//   {"code":200,"message":"success","output":[row…]}  every row parsed
//   {"code":400,"message":"…","errors":[{"row":i,"reason":"column \"x\": …"}],"output":[row…]}  some did not (HTTP 200)
import { authenticate } from './auth';
import { decodeUtf8, header, json, Req, Res } from './http';
import { parseInput } from './ingest';
import { isJsonObject, JsonParseError, JsonValue, parseJson, toPlain } from './json';
import type { EmulatorState } from './state';
import { RowError, validateTransform } from './transform';
import { toInspectJson, Value } from './values';

export function handleValidator(state: EmulatorState, req: Req): Res {
  if (req.method !== 'POST') return json(405, { code: 405, message: `method ${req.method} not allowed` });
  const auth = authenticate(state, req, true);
  if ('error' in auth) return json(401, { code: 401, message: 'authorization required' });
  if ((header(req, 'x-hdx-test') ?? '').toLowerCase() !== 'true') return json(400, { code: 400, message: 'the validator needs the header x-hdx-test: true' });
  let body: JsonValue;
  try {
    body = parseJson(decodeUtf8(req.body) ?? '');
  } catch (e) {
    if (e instanceof JsonParseError) return json(400, { code: 400, message: `invalid JSON: ${e.message}` });
    throw e;
  }
  if (!isJsonObject(body) || !isJsonObject(body.transform) || !Array.isArray(body.data)) {
    return json(400, { code: 400, message: 'body must be {"transform": {...}, "data": [...]}' });
  }
  const tr = toPlain(body.transform) as Record<string, unknown>;
  const v = validateTransform({ name: 'validator', ...tr });
  if (v.errors) return json(400, { code: 400, message: 'invalid transform', errors: v.errors });
  const now = Date.now();
  // No table: no ingest window to check the primary timestamp against.
  const window = { coldMaxAgeDays: 1e9, maxFutureDays: 1e9 };
  const output: Record<string, unknown>[] = [];
  const errors: { row: number; reason: string }[] = [];
  body.data.forEach((input, i) => {
    try {
      const row = parseInput(state, input, v.compiled!, window, now);
      output.push(Object.fromEntries(Object.entries(row).map(([k, x]) => [k, toInspectJson(x as Value)])));
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      errors.push({ row: i, reason: e.message });
    }
  });
  if (!errors.length) return json(200, { code: 200, message: 'success', output });
  return json(200, { code: 400, message: `${errors.length} of ${body.data.length} rows failed to parse`, errors, output });
}
