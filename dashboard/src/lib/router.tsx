/**
 * A small History-API router: the dashboard has a handful of routes, so a router package would
 * cost more bytes than it saves. The API serves index.html for every non-/api path (api/dashboard.ts),
 * so deep links and reloads work.
 */
import * as React from 'react';

const NAVIGATE = 'es:navigate';

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

function subscribe(onChange: () => void) {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const currentUrl = () => location.pathname + location.search;

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const url = React.useSyncExternalStore(subscribe, currentUrl);
  return React.useMemo(() => {
    const u = new URL(url, location.origin);
    return { pathname: u.pathname, search: u.searchParams };
  }, [url]);
}

/** Matches `/migrations/:id` style patterns; returns the decoded params or null. */
export function match(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = pathname.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** An <a> that navigates in place (ctrl/cmd-click still opens a new tab). */
export function Link({ href, onClick, ...props }: React.ComponentProps<'a'> & { href: string }) {
  return (
    <a
      href={href}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || props.target) return;
        e.preventDefault();
        navigate(href);
      }}
      {...props}
    />
  );
}
