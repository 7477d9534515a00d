// Credential checks. Where each API answers a bad credential differently (doc §1, §6), the
// caller maps the neutral result to that API's status and body.
import { header, Req } from './http';
import type { EmulatorState, User } from './state';

export type AuthResult = { user: User } | { error: 'missing' | 'invalid' };

export function authenticate(state: EmulatorState, req: Req, allowBasic: boolean): AuthResult {
  const h = header(req, 'authorization');
  if (!h || !h.trim()) return { error: 'missing' };
  const m = /^(\S+)\s+(.*)$/.exec(h.trim());
  if (!m) return { error: 'invalid' };
  const scheme = m[1].toLowerCase();
  const cred = m[2].trim();
  if (scheme === 'bearer') {
    if (!cred) return { error: 'missing' };
    const user = state.tokenUser(cred);
    return user ? { user } : { error: 'invalid' };
  }
  // Basic: documented for /query; UNCONFIRMED but very likely for /ingest/event (doc §1) — accepted there.
  // The Config API is bearer-only here (conservative: no doc shows Basic on it).
  if (scheme === 'basic' && allowBasic) {
    const decoded = Buffer.from(cred, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const user = i < 0 ? null : state.checkPassword(decoded.slice(0, i), decoded.slice(i + 1));
    return user ? { user } : { error: 'invalid' };
  }
  return { error: 'invalid' };
}
