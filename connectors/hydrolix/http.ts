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
/** Transient socket-level failures worth retrying (doc §4/§9: back off and retry). */
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

/** Doc §4 (official retry policy): 5xx, 408 and 429 are transient; every other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
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
    const detail = this.redact(bodyDetail(res.text));
    const msg = `Hydrolix ${req.what} at ${this.host} failed: HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
    return isRetryableStatus(res.status) ? new Error(msg) : new PermanentError(msg);
  }

  /**
   * Sends with retries on transient statuses and network errors; returns the final
   * response (any status) so callers decide what a status means.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
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
        res = { status: r.statusCode, headers: r.headers, text: await r.body.text() };
      } catch (err) {
        const code = errorCode(err);
        if (err instanceof PermanentError) throw err;
        if (last || !code || !RETRYABLE_CODES.has(code)) {
          throw new Error(`Hydrolix ${req.what} at ${this.host} failed: ${code ?? this.redact(String((err as Error)?.message ?? err))}`);
        }
        await this.sleep(backoffMs(attempt, this.policy));
        continue;
      }
      if (last || !isRetryableStatus(res.status)) return res;
      await this.sleep(backoffMs(attempt, this.policy, res.headers['retry-after']));
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
