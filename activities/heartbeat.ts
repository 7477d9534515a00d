/** Keeps a long single-call activity heartbeating, so a dead worker is noticed in seconds, not at the timeout. */
import { Context } from '@temporalio/activity';

export async function withHeartbeat<T>(work: () => Promise<T>, everyMs = 5_000): Promise<T> {
  const ctx = Context.current();
  // A local activity cannot heartbeat: the workflow task it runs in is kept alive by the worker.
  if (ctx.info.isLocal) return work();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
