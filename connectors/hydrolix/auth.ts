import { PermanentError } from '../types';
import type { HydrolixSettings } from './config';
import type { HttpClient, HttpRequest, HttpResponse } from './http';

interface Session {
  token: string;
  /** Epoch ms after which we log in again (95% of expires_in, like hdxcli). */
  renewAt: number;
  orgId?: string;
}

/** Parses `GET .../orgs/` style lists: bare arrays (older clusters) or DRF pages `{results, next}` (v5.4+). */
export function listPage(body: unknown): { items: Record<string, unknown>[]; next: string | null } {
  if (Array.isArray(body)) return { items: body, next: null };
  const o = body as { results?: unknown; next?: unknown } | null;
  if (o && Array.isArray(o.results)) return { items: o.results, next: typeof o.next === 'string' && o.next ? o.next : null };
  throw new PermanentError('unexpected list response from the Hydrolix Config API (neither an array nor {results})');
}

/**
 * Login, token cache and authenticated requests. There is no refresh endpoint
 * (doc §1): we log in again at 95% of expires_in, and once more after a 401.
 * A static token (service account) is used as-is; a 401 with it is final.
 */
export class HydrolixAuth {
  private session: Session | null = null;
  private pending: Promise<Session> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly settings: HydrolixSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get usesLogin(): boolean {
    return !this.settings.token;
  }

  private async login(): Promise<Session> {
    const res = await this.http.send({
      method: 'POST',
      path: '/config/v1/login',
      what: 'login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.settings.username, password: this.settings.password }),
    });
    if (res.status !== 200) {
      const err = this.http.statusError({ method: 'POST', path: '', what: 'login' }, res);
      // hdxcli maps 401 to "Invalid credentials"; 401/403 will not fix themselves by retrying.
      if (res.status === 401 || res.status === 403) throw new PermanentError(`${err.message} (invalid credentials?)`);
      throw err;
    }
    let body: { auth_token?: { access_token?: unknown; expires_in?: unknown }; orgs?: { uuid?: unknown }[] };
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new Error(`Hydrolix login at ${this.http.host}: response is not JSON`);
    }
    const token = body.auth_token?.access_token;
    if (typeof token !== 'string' || !token) throw new Error(`Hydrolix login at ${this.http.host}: no auth_token.access_token in the response`);
    const expiresIn = Number(body.auth_token?.expires_in);
    const ttlMs = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
    const org = body.orgs?.[0]?.uuid;
    return { token, renewAt: this.now() + ttlMs * 0.95, orgId: typeof org === 'string' ? org : undefined };
  }

  private async current(): Promise<Session> {
    if (!this.usesLogin) {
      this.session ??= { token: this.settings.token!, renewAt: Infinity };
      return this.session;
    }
    if (this.session && this.now() < this.session.renewAt) return this.session;
    // One login at a time, shared by concurrent callers.
    this.pending ??= this.login().finally(() => (this.pending = null));
    this.session = await this.pending;
    return this.session;
  }

  invalidate(): void {
    if (this.usesLogin) this.session = null;
  }

  /** Sends with `Authorization: Bearer`; after a 401 (or the query API's 400 AUTHENTICATION_FAILED) logs in again once. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const { token } = await this.current();
      const res = await this.http.send({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } });
      if (attempt === 0 && this.usesLogin && isAuthFailure(res)) {
        this.invalidate();
        continue;
      }
      return res;
    }
  }

  redact(text: string): string {
    return this.http.redact(text);
  }

  statusError(req: HttpRequest, res: HttpResponse): Error {
    return this.http.statusError(req, res);
  }

  /** Sends and requires one of `ok` statuses; otherwise throws (PermanentError for final 4xx). */
  async expect(req: HttpRequest, ok: number[] = [200]): Promise<HttpResponse> {
    const res = await this.send(req);
    if (!ok.includes(res.status)) throw this.http.statusError(req, res);
    return res;
  }

  async json<T>(req: HttpRequest, ok: number[] = [200]): Promise<T> {
    const res = await this.expect(req, ok);
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new Error(`Hydrolix ${req.what} at ${this.http.host}: response is not JSON`);
    }
  }

  /** The org: `orgs[0].uuid` from login, else the first entry of `GET /config/v1/orgs/`. */
  async orgId(): Promise<string> {
    const s = await this.current();
    if (s.orgId) return s.orgId;
    const { items } = listPage(await this.json<unknown>({ method: 'GET', path: '/config/v1/orgs/', what: 'list orgs' }));
    const org = items[0]?.uuid;
    if (typeof org !== 'string') throw new PermanentError(`Hydrolix at ${this.http.host}: no organization visible to these credentials`);
    s.orgId = org;
    return org;
  }

  /** Validates credentials: a login, or `GET /config/v1/users/current` for a static token. */
  async validate(): Promise<void> {
    if (this.usesLogin) {
      this.invalidate();
      await this.current();
    } else {
      await this.expect({ method: 'GET', path: '/config/v1/users/current', what: 'token check' });
    }
  }
}

/** The query API answers a bad token with 400 + ClickHouse code 516 instead of 401 (doc §6). */
function isAuthFailure(res: HttpResponse): boolean {
  return res.status === 401 || (res.status === 400 && /AUTHENTICATION_FAILED|Code: 516/.test(res.text));
}
