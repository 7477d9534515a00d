/** Turns connector errors into Temporal failures that read well in the Web UI and carry no secrets. */
import { ApplicationFailure } from '@temporalio/activity';
import { PermanentError } from '../connectors/types';
import type { Redactor } from './redact';

export function toFailure(err: unknown, redact: Redactor): Error {
  if (err instanceof ApplicationFailure) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const message = redact(e.message || e.name);
  if (e instanceof PermanentError || e.name === 'PermanentError') {
    return ApplicationFailure.create({ type: 'PermanentError', message, nonRetryable: true });
  }
  // Retryable: keep the error's own name (e.g. ECONNREFUSED) as the type shown in the UI.
  const code = (e as { code?: string }).code;
  return ApplicationFailure.create({ type: code ?? e.name ?? 'Error', message, nonRetryable: false });
}

/** Wraps an activity so every thrown error passes through `toFailure`. */
export function guarded<A extends unknown[], R>(redact: Redactor, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toFailure(err, redact);
    }
  };
}
