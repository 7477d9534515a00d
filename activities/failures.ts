/** Turns connector errors into Temporal failures that read well in the Web UI and carry no secrets. */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { PermanentError } from '../connectors/types';
import { scrubEndpoints, type Redactor } from './redact';

export function toFailure(err: unknown, redact: Redactor): Error {
  // Cancellation must stay a cancellation (Temporal then records the activity as cancelled).
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const full = redact(e.message || e.name);
  const message = scrubEndpoints(full);
  // The worker's log keeps what history does not (secrets still replaced).
  if (message !== full) console.warn(`[activity] ${full}`);
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
      // Whatever a cancelled activity's I/O threw (an aborted read, a closed socket), the outcome
      // is a cancellation, never a completion or an ordinary retryable error.
      const signal = Context.current().cancellationSignal;
      if (signal.aborted && !(err instanceof CancelledFailure)) {
        throw new CancelledFailure(redact((signal.reason as Error | undefined)?.message ?? 'CANCELLED'));
      }
      throw toFailure(err, redact);
    }
  };
}
