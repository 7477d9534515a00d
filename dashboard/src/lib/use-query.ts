/**
 * Loads data and keeps it fresh: optional polling (the live views poll every 2 s, paused while the
 * tab is hidden), a reload when the API token changes, and the last good data kept through errors.
 */
import * as React from 'react';
import { onAuth } from '@/api/client';

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useQuery<T>(load: (signal: AbortSignal) => Promise<T>, deps: React.DependencyList, opts: { pollMs?: number; enabled?: boolean } = {}): QueryState<T> {
  const { pollMs, enabled = true } = opts;
  const [state, setState] = React.useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: enabled });
  const [tick, setTick] = React.useState(0);
  const reload = React.useCallback(() => setTick((t) => t + 1), []);
  // The latest loader, without restarting the polling loop on every render.
  const loadRef = React.useRef(load);
  loadRef.current = load;

  // New inputs: forget the old answer, so a page never shows another item's data.
  React.useEffect(() => {
    setState({ data: undefined, error: undefined, loading: enabled });
  }, deps);

  React.useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const run = async () => {
      try {
        const data = await loadRef.current(ctrl.signal);
        if (!stopped) setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (!stopped && !ctrl.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      }
      if (!stopped && pollMs) timer = setTimeout(tickWhenVisible, pollMs);
    };
    const tickWhenVisible = () => {
      if (document.visibilityState === 'visible') void run();
      else timer = setTimeout(tickWhenVisible, pollMs);
    };
    void run();
    const off = onAuth((e) => e === 'token-changed' && reload());
    return () => {
      stopped = true;
      ctrl.abort();
      if (timer) clearTimeout(timer);
      off();
    };
  }, [...deps, tick, pollMs, enabled]);

  return { ...state, reload };
}

/** A one-off action (start, cancel, pause…): its pending flag and error, for the button that runs it. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<unknown>(undefined);
  const run = React.useCallback(
    async (...args: A): Promise<R | undefined> => {
      setPending(true);
      setError(undefined);
      try {
        return await fn(...args);
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [fn],
  );
  return { run, pending, error, clearError: () => setError(undefined) };
}
