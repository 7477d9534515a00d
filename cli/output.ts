/** Where a command writes: JSON for programs (--json) or text for people, errors always to stderr. */
import { ApiError, UnreachableError } from './client';
import { EXIT, UsageError } from './exit-codes';

export interface Output {
  json: boolean;
  /** Prints `value` as JSON with --json, else the text `human()` gives. */
  print(value: unknown, human: () => string): void;
  line(text: string): void;
  error(text: string): void;
}

export function output(json: boolean, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    print(value, human) {
      out.write(`${json ? JSON.stringify(value, null, 2) : human()}\n`);
    },
    line(text) {
      if (!json) out.write(`${text}\n`);
    },
    error(text) {
      err.write(`${text}\n`);
    },
  };
}

/** An error as the user sees it, and the exit status it means. */
export function reportError(err: unknown, o: Output): number {
  if (err instanceof UsageError) {
    o.error(`error: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof ApiError) {
    o.error(`error: ${err.message} (HTTP ${err.status})`);
    for (const line of err.fieldLines()) o.error(`  ${line}`);
    // The API refused the request as invalid: a usage error, nothing was started.
    return err.status === 400 ? EXIT.usage : EXIT.failed;
  }
  if (err instanceof UnreachableError) {
    o.error(`error: ${err.message}`);
    return EXIT.failed;
  }
  o.error(`error: ${(err as Error)?.stack ?? String(err)}`);
  return EXIT.failed;
}
