// Emulator-only test-control API under /__emulator (no auth) — not part of Hydrolix.
import { json, Req, Res } from './http';
import type { EmulatorState, FaultPath } from './state';

const PATHS = new Set(['ingest', 'config', 'query', 'any']);

function body(req: Req): Record<string, any> | null {
  try {
    const v = JSON.parse(req.body.toString('utf8') || '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Injected response for a request that matched a fault; the request itself is not processed. */
export function faultResponse(status: number, cls: string, retryAfterSeconds?: number): Res {
  const headers: Record<string, string> = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
  const msg = `injected fault: HTTP ${status}`;
  const payload = cls === 'config' ? { detail: msg } : cls === 'query' ? { error: msg, query: '' } : { code: status, message: msg };
  return json(status, payload, headers);
}

export function handleControl(state: EmulatorState, req: Req): Res {
  const seg = req.path.split('/').filter(Boolean).slice(1);
  const m = req.method;
  const key = `${m} ${seg.join('/')}`;
  try {
    switch (key) {
      case 'POST faults': {
        const b = body(req);
        const kinds = ['refuse', 'store-then-status', 'store-then-drop', 'drop'];
        if (!b || (b.kind !== undefined && !kinds.includes(b.kind)) || (!String(b.kind).endsWith('drop') && !Number.isInteger(b.status))) {
          return json(400, { error: `body must be {status, kind? (${kinds.join('|')}), count?, durationMs?, path?, retryAfterSeconds?}` });
        }
        if (b.path !== undefined && !PATHS.has(b.path)) return json(400, { error: 'path must be ingest|config|query|any' });
        for (const k of ['count', 'durationMs', 'retryAfterSeconds']) {
          if (b[k] !== undefined && !(Number.isFinite(b[k]) && b[k] >= 0)) return json(400, { error: `${k} must be a non-negative number` });
        }
        state.injectFault({ status: b.status, kind: b.kind, count: b.count, durationMs: b.durationMs, path: b.path as FaultPath, retryAfterSeconds: b.retryAfterSeconds });
        return json(200, { ok: true, faults: state.faults.length });
      }
      case 'DELETE faults':
        state.clearFaults();
        return { status: 204 };
      case 'POST delay': {
        const b = body(req);
        if (!b || !(Number.isFinite(b.ms) && b.ms >= 0)) return json(400, { error: 'body must be {ms, path?}' });
        if (b.path !== undefined && !PATHS.has(b.path)) return json(400, { error: 'path must be ingest|config|query|any' });
        state.setDelay({ ms: b.ms, path: b.path });
        return json(200, { ok: true });
      }
      case 'DELETE delay':
        state.clearDelays();
        return { status: 204 };
      case 'GET stats':
        return json(200, state.getStats());
      case 'POST reset':
        state.reset();
        return json(200, { ok: true });
      case 'POST expire-tokens':
        state.expireTokens();
        return json(200, { ok: true });
    }
    if (m === 'GET' && seg[0] === 'tables' && seg.length >= 3) {
      const [, project, table, what] = seg;
      if (seg.length === 3) return json(200, state.table(project, table));
      if (seg.length === 4 && what === 'rows') return json(200, state.rows(project, table));
      if (seg.length === 4 && what === 'rejects') return json(200, { rejects: state.rejects(project, table) });
    }
  } catch (e) {
    return json(404, { error: (e as Error).message });
  }
  return json(404, { error: `unknown emulator control endpoint ${m} ${req.path}` });
}
