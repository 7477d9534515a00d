// HTTP server: normalises paths, applies injected delays/faults, dispatches, records stats.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { handleConfig } from './config-api';
import { faultResponse, handleControl } from './faults';
import { json, Req, Res } from './http';
import { handleIngest } from './ingest';
import { handleQuery } from './query';
import type { EmulatorState } from './state';
import { handleValidator } from './validator';

const MAX_BODY = 512 * 1024 * 1024;
export const EMULATOR_VERSION = 'v5.4.0-emulator';

type Cls = 'ingest' | 'config' | 'query';
function classify(path: string): Cls | null {
  if (path === '/ingest/event') return 'ingest';
  if (path === '/query') return 'query';
  // The validator (doc §2) counts as config traffic: ingest faults are meant for /ingest/event.
  if (path === '/version' || path === '/validator' || path === '/config/v1' || path.startsWith('/config/v1/')) return 'config';
  return null;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function dispatch(state: EmulatorState, req: Req): Promise<Res> {
  if (req.path === '/__emulator' || req.path.startsWith('/__emulator/')) return handleControl(state, req);
  const cls = classify(req.path);
  if (!cls) return json(404, { detail: 'Not found.' });
  const delay = state.delayFor(cls);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const fault = state.takeFault(cls);
  if (fault && (fault.kind ?? 'refuse') === 'refuse') return faultResponse(fault.status, cls, fault.retryAfterSeconds);
  if (fault?.kind === 'drop') return { status: 0, drop: true };
  const out = await handle(state, cls, req);
  // The request was processed (rows stored); its answer is what gets lost.
  if (fault?.kind === 'store-then-drop') return { ...out, drop: true };
  if (fault?.kind === 'store-then-status') return faultResponse(fault.status, cls, fault.retryAfterSeconds);
  return out;
}

async function handle(state: EmulatorState, cls: Cls, req: Req): Promise<Res> {
  if (cls === 'ingest') return handleIngest(state, req);
  if (cls === 'query') return handleQuery(state, req);
  if (req.path === '/version') return { status: 200, headers: { 'content-type': 'text/plain' }, body: EMULATOR_VERSION };
  if (req.path === '/validator') return handleValidator(state, req);
  return handleConfig(state, req);
}

export function createEmulatorServer(state: EmulatorState): Server {
  return createServer(async (raw: IncomingMessage, res: ServerResponse) => {
    let out: Res;
    const url = new URL(raw.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const cls = classify(path);
    try {
      const body = await readBody(raw);
      out = body === null
        ? json(413, { detail: 'Request body too large.' })
        : await dispatch(state, { method: (raw.method ?? 'GET').toUpperCase(), path, query: url.searchParams, headers: raw.headers, body });
    } catch (e) {
      out = json(500, { detail: `emulator internal error: ${(e as Error).stack ?? e}` });
    }
    if (cls) {
      const s = out.drop ? 'dropped' : String(out.status);
      state.stats.allByStatus[s] = (state.stats.allByStatus[s] ?? 0) + 1;
      if (cls === 'ingest') {
        state.stats.ingestRequests++;
        state.stats.byStatus[s] = (state.stats.byStatus[s] ?? 0) + 1;
      }
    }
    if (res.destroyed) return; // client gave up (e.g. its timeout fired during an injected delay)
    if (out.drop) {
      raw.socket.destroy(); // no status line, no body: the client sees the connection close
      return;
    }
    res.writeHead(out.status, out.headers ?? {});
    res.end(out.status === 204 ? undefined : out.body);
  });
}
