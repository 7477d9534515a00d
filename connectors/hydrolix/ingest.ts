import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { PermanentError, type CursorWindow, type KeyTuple, type TableSchema } from '../types';
import type { HydrolixAuth } from './auth';
import { OutcomeUnknown, isUnknownOutcomeStatus, type HttpRequest, type HttpResponse } from './http';
import { queryBatchLanded, type QueryTarget } from './query';

const gzip = promisify(gzipCb);

/**
 * Doc §2 (Timing): new tables and transforms are not usable for ingest straight
 * away, and the status for an unknown table/transform is UNCONFIRMED (4xx). Such a
 * 4xx is retried a bounded number of times instead of failing the migration for good.
 */
export function isNotYetPropagated(status: number, text: string): boolean {
  if (status === 404) return true;
  return status === 400 && /(table|transform)\b.*\b(not found|unknown|does not exist|no such|not exist)|(unknown|no such) (table|transform)/i.test(text);
}

export interface PropagationRetry {
  retries: number;
  delayMs: (attempt: number) => number;
}

export interface IngestContext {
  auth: HydrolixAuth;
  target: QueryTarget;
  transform: string;
  schema: TableSchema;
  /** The run's incremental window: earlier runs' versions of the same keys are not "landed". */
  window?: CursorWindow;
  maxRequestBytes: number;
  /** How long after a write its rows may still be invisible to queries (visibility.ts). */
  visibilityMs: number;
  propagation: PropagationRetry;
  /** Lost answers settled per request before giving up (the activity's retry then resumes the chunk). */
  maxSettlements: number;
  sleep: (ms: number) => Promise<void>;
}

/** Row index ranges [start, end) of at most maxBytes of lines each (newlines included), in order. A lone oversized line goes alone. */
export function splitRanges(lines: string[], maxBytes: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = Buffer.byteLength(lines[i]) + 1;
    if (i > start && size + n > maxBytes) {
      out.push([start, i]);
      start = i;
      size = 0;
    }
    size += n;
  }
  if (start < lines.length) out.push([start, lines.length]);
  return out;
}

type Outcome = 'stored' | { unknown: string };

/** One POST of lines[from, end): stored, refused (thrown), or unknown (the answer was lost). */
async function postOnce(ctx: IngestContext, lines: string[], from: number, end: number): Promise<Outcome> {
  const target = `${ctx.target.project}.${ctx.target.table}`;
  const req: HttpRequest = {
    method: 'POST',
    path: '/ingest/event',
    what: `ingest into ${target}`,
    idempotent: false,
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-hdx-table': target,
      'x-hdx-transform': ctx.transform,
    },
    body: await gzip(Buffer.from(`${lines.slice(from, end).join('\n')}\n`)),
  };
  let res: HttpResponse;
  try {
    res = await ctx.auth.send(req);
    for (let attempt = 0; attempt < ctx.propagation.retries && isNotYetPropagated(res.status, res.text); attempt++) {
      await ctx.sleep(ctx.propagation.delayMs(attempt));
      res = await ctx.auth.send(req);
    }
  } catch (err) {
    if (err instanceof OutcomeUnknown) return { unknown: err.message };
    throw err;
  }
  if (res.status === 207) {
    // Some rows were rejected: never report them as written. Keep the whole summary (counts + reasons).
    const summary = ctx.auth.redact(res.text.replace(/\s+/g, ' ').trim()).slice(0, 1000);
    throw new PermanentError(`Hydrolix ingest into ${target} rejected some rows (HTTP 207): ${summary || 'no details'}`);
  }
  if (res.status >= 200 && res.status <= 299) return 'stored';
  // What the HTTP layer hands back unretried for a non-idempotent request: a status that may follow a stored body.
  if (isUnknownOutcomeStatus(res.status, res.headers)) return { unknown: ctx.auth.statusError(req, res).message };
  throw ctx.auth.statusError(req, res);
}

const sameKey = (a: KeyTuple, b: KeyTuple) => a.length === b.length && a.every((v, i) => String(v) === String(b[i]));

/**
 * After a lost answer: which of lines[from, end) must still be sent. Asks Hydrolix what it holds
 * in the request's key range [first, last] (as a resumed chunk does): nothing → all of it; up to and
 * including the request's row at index p, with at least p - from + 1 rows → the rows after p.
 * Anything else (the greatest key landed is not one of ours, or rows below it are missing) → all of
 * it again: a duplicate can be read away (LIMIT 1 BY key), a lost row cannot be recovered.
 */
export async function settle(ctx: IngestContext, from: number, end: number, keyAt: (i: number) => KeyTuple, counted: (i: number) => boolean = () => true): Promise<number> {
  const landed = await queryBatchLanded(ctx.auth, ctx.target, ctx.schema, keyAt(from), keyAt(end - 1), ctx.window);
  if (landed.rows === 0 || !landed.lastKey) return from;
  for (let p = end - 1; p >= from; p--) {
    if (!sameKey(keyAt(p), landed.lastKey)) continue;
    let expected = 0;
    for (let i = from; i <= p; i++) if (counted(i)) expected++;
    return landed.rows >= expected ? p + 1 : from;
  }
  return from;
}

/**
 * Streams NDJSON lines (in key order, `keyAt(i)` the key of line i) to `POST /ingest/event` in
 * requests of at most maxRequestBytes, one after another: resume relies on "what landed is a
 * key-order prefix", so no parallel POSTs. Ingest has no idempotency key (doc §8), so a request
 * whose answer is lost (connection dropped, timeout, 502/504 after the body was sent) is never sent
 * blindly again: after the table's visibility delay, Hydrolix is asked what of it landed and only the
 * rest is sent. Refusals (429, 503 with Retry-After, connection refused) are retried in the HTTP layer.
 */
export async function ingestLines(
  ctx: IngestContext,
  lines: string[],
  keyAt: (i: number) => KeyTuple,
  /** Whether line i is one the window's landed query can see (an incremental window counts only rows past the previous mark). */
  counted?: (i: number) => boolean,
): Promise<number> {
  for (const [start, end] of splitRanges(lines, ctx.maxRequestBytes)) {
    let from = start;
    for (let settlements = 0; from < end; ) {
      const outcome = await postOnce(ctx, lines, from, end);
      if (outcome === 'stored') break;
      if (settlements++ >= ctx.maxSettlements) {
        throw new Error(`${outcome.unknown}; the answer was lost ${settlements} times in a row, the chunk resumes from what landed`);
      }
      // Counted from the failure, not the send: a request may be processed until the connection is lost.
      await ctx.sleep(ctx.visibilityMs);
      from = await settle(ctx, from, end, keyAt, counted);
    }
  }
  return lines.length;
}
