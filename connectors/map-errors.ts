/**
 * Passes an async iterator through, turning whatever it throws into `map(error)` (e.g. a
 * driver error with the password stripped). Closing the outer iterator closes the inner one.
 */
export async function* mapErrors<T>(it: AsyncGenerator<T>, map: (e: unknown) => Error): AsyncGenerator<T> {
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await it.next();
      } catch (e) {
        throw map(e);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await it.return(undefined);
  }
}
