/** What the command's exit status means (README, CLI). */
export const EXIT = {
  /** Done; for a watched migration: completed. */
  ok: 0,
  /** The migration failed or was cancelled, or the API answered with an error. */
  failed: 1,
  /** Wrong arguments, or a request the API refused as invalid (400). */
  usage: 2,
  /** Ctrl-C while watching: the migration keeps running. */
  interrupted: 130,
} as const;

/** A mistake in the command line found before anything was sent. */
export class UsageError extends Error {}
