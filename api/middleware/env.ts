/** What the middleware puts on a request's context, typed once for every module that reads it. */
export interface Principal {
  /** Stable, non-secret key for rate limiting: `token:<n>`, `read:<n>`, or `addr:<address>`. */
  key: string;
  /** null = no valid token was presented (rejected by authorize() when tokens are configured). */
  access: 'full' | 'read' | null;
}

export type ApiEnv = { Variables: { requestId: string; principal: Principal } };
