import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { PermanentError } from '../types';
import type { HydrolixAuth } from './auth';

const gzip = promisify(gzipCb);

/**
 * Streams bodies to `POST /ingest/event` one after another, in the given (key)
 * order: resume relies on "what landed is a key-order prefix", so no parallel POSTs.
 * Transient failures are retried inside the HTTP layer (doc §4).
 */
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
  sleep: (ms: number) => Promise<void>;
}

export async function ingestBodies(
  auth: HydrolixAuth,
  target: string,
  transform: string,
  bodies: { body: string; rows: number }[],
  propagation: PropagationRetry = { retries: 0, delayMs: () => 0, sleep: async () => {} },
): Promise<number> {
  let written = 0;
  for (const { body, rows } of bodies) {
    const req = {
      method: 'POST' as const,
      path: '/ingest/event',
      what: `ingest into ${target}`,
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-hdx-table': target,
        'x-hdx-transform': transform,
      },
      body: await gzip(Buffer.from(body)),
    };
    let res = await auth.send(req);
    for (let attempt = 0; attempt < propagation.retries && isNotYetPropagated(res.status, res.text); attempt++) {
      await propagation.sleep(propagation.delayMs(attempt));
      res = await auth.send(req);
    }
    if (res.status === 207) {
      // Some rows were rejected: never report them as written. Keep the whole summary (counts + reasons).
      const summary = auth.redact(res.text.replace(/\s+/g, ' ').trim()).slice(0, 1000);
      throw new PermanentError(`Hydrolix ingest into ${target} rejected some rows (HTTP 207): ${summary || 'no details'}`);
    }
    if (res.status < 200 || res.status > 299) throw auth.statusError(req, res);
    written += rows;
  }
  return written;
}
