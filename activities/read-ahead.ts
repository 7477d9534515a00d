/**
 * Overlaps reading and writing: while the caller writes batch N, batch N+1 is already
 * being fetched. Exactly one batch is buffered, so memory stays bounded.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = it.next();
      // A failed prefetch must not go unhandled while the caller is busy; it surfaces on the next await.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await it.return?.();
  }
}
