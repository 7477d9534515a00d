import { Agent, request } from 'undici';
import { PermanentError } from '../types';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path (with query) relative to the base URL, or an absolute URL on the same host. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** What the request is, for messages: `login`, `ingest`, ... */
  what: string;
  /**
   * False for a request that must not run twice (an ingest POST: Hydrolix has no idempotency
   * key, doc §8). Then only failures that prove it was not processed are retried here; a lost
   * answer throws OutcomeUnknown and a status that may follow a stored body is returned as is.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxDelayMs?: number;
}

const MAX_DELAY_MS = 60_000;
/** Failures before a connection existed: the request was never sent, so it is always safe to send again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Transient socket-level failures worth retrying (doc §4/§9: back off and retry). */
const RETRYABLE_CODES = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

/** Doc §4 (official retry policy): 5xx, 408 and 429 are transient; every other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Statuses after which a POST may have been processed: a gateway's 502/504 (and a 500, or a proxy's
 * 503 without Retry-After) can follow an upstream that stored the body and then lost the answer.
 * 429, 408, a 503 carrying Retry-After and every 4xx are refusals: nothing was stored.
 */
export function isUnknownOutcomeStatus(status: number, headers: HttpResponse['headers'] = {}): boolean {
  if (status < 500 || status === 501 || status === 505) return false;
  return !(status === 503 && headers['retry-after'] !== undefined);
}

/** A request whose answer was lost after it was sent: it may or may not have been processed. */
export class OutcomeUnknown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutcomeUnknown';
  }
}

export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code;
}

export function backoffMs(attempt: number, policy: RetryPolicy, retryAfter?: string | string[]): number {
  const cap = policy.maxDelayMs ?? MAX_DELAY_MS;
  const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  if (ra !== undefined && ra.trim() !== '') {
    const secs = Number(ra);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - Date.now();
    if (Number.isFinite(ms)) return Math.min(cap, Math.max(0, ms));
  }
  return Math.min(cap, policy.baseMs * 2 ** attempt);
}

/** What a status says, in words that carry nothing from the body. */
export function statusMeaning(status: number): string {
  const known: Record<number, string> = { 400: 'request refused', 401: 'authentication failed', 403: 'permission denied', 404: 'not found', 409: 'conflict', 413: 'request too large', 422: 'request refused', 429: 'rate limited' };
  return known[status] ?? (status >= 500 ? 'server error' : 'request refused');
}

/** The useful message of an error body: DRF `detail`, query-API `error`, else the text; trimmed and bounded. */
export function bodyDetail(text: string): string {
  let out = text;
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === 'object') {
      const o = j as Record<string, unknown>;
      const d = o.detail ?? o.error ?? o.message;
      out = typeof d === 'string' ? d : JSON.stringify(d ?? j);
    }
  } catch {
    /* not JSON: keep the text */
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

/** A request about to wait before its next attempt, or one that went through after retries. */
export interface RetryEvent {
  what: string;
  host: string;
  /** The status that is retried (absent for a network failure, which has `code`). */
  status?: number;
  code?: string;
  /** Wait before the next attempt (absent when `recovered`). */
  delayMs?: number;
  attempt: number;
  recovered?: boolean;
}

let retryListener: ((e: RetryEvent) => void) | undefined;

/** Sets the one listener told of retries and recoveries (activities/run-news.ts reports them to the run). */
export function onRetryEvent(listener: ((e: RetryEvent) => void) | undefined): void {
  retryListener = listener;
}

function tell(e: RetryEvent): void {
  try {
    retryListener?.(e);
  } catch {
    /* a listener never fails a request */
  }
}

/**
 * undici client bound to one Hydrolix host: retries transient failures and never
 * lets a secret into an error message (`redact` scrubs anything the server echoes back).
 */
export class HttpClient {
  readonly host: string;
  private readonly agent = new Agent({ connectTimeout: 30_000, headersTimeout: 300_000, bodyTimeout: 300_000 });
  private readonly secrets: string[];

  constructor(
    readonly baseUrl: string,
    readonly policy: RetryPolicy,
    secrets: (string | undefined)[] = [],
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.host = new URL(baseUrl).host;
    this.secrets = secrets.filter((s): s is string => !!s && s.length >= 3);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  url(path: string): string {
    if (/^https?:\/\//.test(path)) {
      const u = new URL(path);
      // Follow absolute `next` links only on our host (never send the token elsewhere).
      if (u.host !== this.host) throw new PermanentError(`refusing to follow a link to another host (${u.host})`);
      return `${this.baseUrl}${u.pathname}${u.search}`;
    }
    return `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  /** Final error for a non-2xx response: PermanentError unless the status is transient. */
  statusError(req: HttpRequest, res: HttpResponse): Error {
    // The body can quote row values or server internals: it goes to the worker's log only.
    const detail = this.redact(bodyDetail(res.text));
    console.warn(`[hydrolix] ${req.what} at ${this.host}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
    const msg = `Hydrolix ${req.what} failed: HTTP ${res.status} (${statusMeaning(res.status)})`;
    return isRetryableStatus(res.status) ? new Error(msg) : new PermanentError(msg);
  }

  /**
   * Sends with retries on transient statuses and network errors; returns the final
   * response (any status) so callers decide what a status means.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const once = req.idempotent === false;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.policy.maxRetries;
      let res: HttpResponse;
      try {
        const r = await request(this.url(req.path), {
          method: req.method,
          headers: req.headers,
          body: req.body,
          dispatcher: this.agent,
        });
        // Once the status is in, the outcome is known even if the body then breaks off.
        const text = await r.body.text().catch(() => '');
        res = { status: r.statusCode, headers: r.headers, text };
      } catch (err) {
        const code = errorCode(err);
        if (err instanceof PermanentError) throw err;
        const why = `Hydrolix ${req.what} at ${this.host} failed: ${code ?? this.redact(String((err as Error)?.message ?? err))}`;
        if (once && !(code && NOT_SENT_CODES.has(code))) throw new OutcomeUnknown(`${why} (no answer: it may have been processed)`);
        if (last || !code || !RETRYABLE_CODES.has(code)) throw new Error(why);
        const delayMs = backoffMs(attempt, this.policy);
        tell({ what: req.what, host: this.host, code, delayMs, attempt });
        await this.sleep(delayMs);
        continue;
      }
      if (once && isUnknownOutcomeStatus(res.status, res.headers)) return res;
      if (!isRetryableStatus(res.status) && attempt > 0) tell({ what: req.what, host: this.host, status: res.status, attempt, recovered: true });
      if (last || !isRetryableStatus(res.status)) return res;
      const delayMs = backoffMs(attempt, this.policy, res.headers['retry-after']);
      tell({ what: req.what, host: this.host, status: res.status, delayMs, attempt });
      await this.sleep(delayMs);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
