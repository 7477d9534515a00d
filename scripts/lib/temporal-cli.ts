/**
 * Locates (and if needed builds) the Temporal CLI, which carries the dev server and Web UI.
 * Nothing is downloaded at run time: the binary is built from its Go module through the
 * Go module proxy and cached outside the checkout, so fresh clones reuse it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { goBinary } from './go';

/** v1.5.1 is the newest tag without a `replace` directive (later ones cannot be go-installed). */
const VERSIONS = ['v1.5.1', 'v1.5.0', 'v1.4.1'];

export function cacheDir(): string {
  return process.env.EPIC_SHELTER_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'epic-shelter');
}

function cachedBinary(): string | undefined {
  for (const v of VERSIONS) {
    const p = join(cacheDir(), `temporal-${v}`, 'temporal');
    if (existsSync(p)) return p;
  }
  return undefined;
}


/** Returns the path of a usable `temporal` binary, building it once if necessary. Idempotent. */
export function ensureTemporalCli(log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): string {
  const override = process.env.TEMPORAL_CLI_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`TEMPORAL_CLI_PATH points to a missing file: ${override}`);
    return override;
  }
  const cached = cachedBinary();
  if (cached) return cached;
  const go = goBinary('the Temporal CLI (go install github.com/temporalio/cli/cmd/temporal@v1.5.1), or set TEMPORAL_CLI_PATH');
  const failures: string[] = [];
  for (const version of VERSIONS) {
    const dir = join(cacheDir(), `temporal-${version}`);
    mkdirSync(dir, { recursive: true });
    log(`building Temporal CLI ${version} from its Go module into ${dir} (first time only; takes minutes)`);
    try {
      execFileSync(go, ['install', `github.com/temporalio/cli/cmd/temporal@${version}`], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, GOBIN: dir, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
      });
      const bin = join(dir, 'temporal');
      if (existsSync(bin)) return bin;
    } catch (err) {
      failures.push(`${version}: ${(err as Error).message}`);
    }
  }
  throw new Error(`could not build the Temporal CLI:\n${failures.join('\n')}`);
}
