/** The API over HTTP: base URL and bearer token from the environment, errors as ApiError. */

export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** The API's error body: `{ error, fields? }` (fields as a list of {path, message} or a path → message record). */
export interface ApiErrorBody {
  error?: string;
  fields?: Array<{ path: string; message: string }> | Record<string, string>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
    message: string,
  ) {
    super(message);
  }

  /** Each field error as `path: message`. */
  fieldLines(): string[] {
    const fields = this.body?.fields;
    if (!fields) return [];
    const pairs = Array.isArray(fields) ? fields.map((f) => [f.path, f.message] as const) : Object.entries(fields);
    return pairs.map(([path, message]) => `${path}: ${message}`);
  }
}

/** The API could not be reached at all. */
export class UnreachableError extends Error {}

export interface ClientConfig {
  url: string;
  token?: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv, url?: string): ClientConfig {
  return { url: (url ?? env.EPIC_SHELTER_URL ?? DEFAULT_URL).replace(/\/+$/, ''), token: env.EPIC_SHELTER_TOKEN || undefined };
}

export class ApiClient {
  constructor(private readonly config: ClientConfig) {}

  get url(): string {
    return this.config.url;
  }

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.config.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new UnreachableError(`cannot reach the Epic Shelter API at ${this.config.url} (${cause?.code ?? cause?.message ?? (err as Error).message}); set EPIC_SHELTER_URL`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const errBody = parsed && typeof parsed === 'object' ? (parsed as ApiErrorBody) : undefined;
      const hint = res.status === 401 ? ' (set EPIC_SHELTER_TOKEN)' : '';
      throw new ApiError(res.status, errBody, `${errBody?.error ?? (text.slice(0, 200) || res.statusText)}${hint}`);
    }
    return parsed as T;
  }
}
