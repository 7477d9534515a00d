/** The Go toolchain that builds the Temporal binaries: $GO, then Go's default install path, then PATH. */
import { execFileSync } from 'node:child_process';

export function goBinary(what: string): string {
  for (const candidate of [process.env.GO, '/usr/local/go/bin/go', 'go']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      /* try the next one */
    }
  }
  throw new Error(`Go is needed to build ${what}; set GO`);
}
