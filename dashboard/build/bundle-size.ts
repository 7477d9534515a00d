/**
 * What a browser downloads before the dashboard first renders: the entry chunk and every chunk it
 * imports statically (from Vite's manifest), gzipped as the API serves them (api/dashboard.ts).
 * Pages loaded on navigation (dynamic imports) are not part of it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Issue 14: the initial load stays within this much compressed JavaScript. */
export const INITIAL_JS_LIMIT_BYTES = 300 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

export interface InitialLoad {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

export function initialLoad(distDir: string): InitialLoad {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry);
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key].imports ?? []) walk(dep);
  };
  entries.forEach(walk);
  const files = [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const f of files) {
    const bytes = readFileSync(join(distDir, f));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, rawBytes, gzipBytes };
}

export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** True when the dist exists and its manifest is newer than `sinceMs`. */
export function builtAfter(distDir: string, sinceMs: number): boolean {
  try {
    return statSync(join(distDir, '.vite', 'manifest.json')).mtimeMs > sinceMs;
  } catch {
    return false;
  }
}
