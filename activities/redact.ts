/**
 * Scrubs secrets out of text before it leaves the worker (errors end up in workflow
 * history and API responses). Secrets are whatever the worker's env holds in
 * password/token/secret variables and the password part of connection URLs.
 */
import type { Env } from '../connectors/env';

const SECRET_NAME = /(PASSWORD|TOKEN|SECRET|API_KEY)/i;
const URL_NAME = /_URL(_|$)/i;

export function secretsFromEnv(env: Env): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_NAME.test(name) && value.length >= 4) secrets.add(value);
    if (URL_NAME.test(name)) {
      try {
        const url = new URL(value);
        if (url.password) {
          secrets.add(url.password);
          secrets.add(decodeURIComponent(url.password));
          secrets.add(value); // the whole URL, too
        }
      } catch {
        /* not a URL; nothing to extract */
      }
    }
  }
  // Longest first so a URL is replaced before the password inside it.
  return [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

export function createRedactor(secrets: string[]): Redactor {
  return (text) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('***');
    return out;
  };
}

/**
 * Takes addresses out of an error message bound for workflow history: host:port (IPv4, [IPv6],
 * names with a port), `user@host` and `'user'@'host'` forms that drivers print. The worker's log
 * keeps the original.
 */
export function scrubEndpoints(text: string): string {
  return text
    .replace(/'[^'\s]*'@'[^'\s]*'/g, '<user>@<host>')
    .replace(/\b[\w.+-]+@(\d{1,3}(\.\d{1,3}){3}|localhost|[\w-]+(\.[\w-]+)+)\b/g, '<user>@<host>')
    .replace(/\[[0-9a-fA-F]*:[0-9a-fA-F:]*\](:\d+)?/g, '<host>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<host>')
    .replace(/\b(localhost|[\w-]+(\.[\w-]+)+):\d{2,5}\b/g, '<host>');
}
