/** CPU seconds per process, read from /proc: what a bench run cost each party on the machine. */
import { readdirSync, readFileSync } from 'node:fs';

/** Command name and utime + stime (seconds) of one process; null once it is gone. */
function statOf(pid: string): { comm: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), seconds: (Number(f[11]) + Number(f[12])) / 100 }; // USER_HZ
  } catch {
    return null;
  }
}

/** A party: one process (pid) or every process with a command name (e.g. PostgreSQL's backends). */
export type Party = number | string;

/**
 * Counts each party's CPU from now on. `sample()` should be called every so often: a process
 * that exits (a PostgreSQL backend whose connection closed) keeps what it used up to its last
 * sample, where reading totals only at the end would lose all of it.
 */
export function cpuMeter(parties: Record<string, Party>) {
  const first = new Map<string, number>(); // pid → seconds when first seen (0 if born after the start)
  const last = new Map<string, number>();
  const owner = new Map<string, string>(); // pid → party
  const byComm = new Map<string, string>();
  const pids = new Map<string, string>();
  for (const [name, p] of Object.entries(parties)) {
    if (typeof p === 'string') byComm.set(p, name);
    else pids.set(String(p), name);
  }
  // Processes of no party are read once: reading every /proc/<pid>/stat on each sample cost the
  // bench process ~3 ms per sample, CPU the timed run then competed with.
  const others = new Set<string>();
  let started = false;
  const sample = () => {
    for (const pid of readdirSync('/proc')) {
      if (others.has(pid) || !/^\d+$/.test(pid)) continue;
      const s = statOf(pid);
      if (!s) continue;
      const party = pids.get(pid) ?? byComm.get(s.comm);
      if (!party) {
        others.add(pid);
        continue;
      }
      if (!first.has(pid)) first.set(pid, started ? 0 : s.seconds);
      last.set(pid, s.seconds);
      owner.set(pid, party);
    }
    started = true;
  };
  sample();
  return {
    sample,
    /** CPU seconds per party since the meter started. */
    used(): Record<string, number> {
      sample();
      const out: Record<string, number> = Object.fromEntries(Object.keys(parties).map((k) => [k, 0]));
      for (const [pid, party] of owner) out[party] += (last.get(pid) ?? 0) - (first.get(pid) ?? 0);
      return out;
    },
  };
}

export function formatCpu(used: Record<string, number>): string {
  return `CPU: ${Object.entries(used)
    .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
    .join(', ')}`;
}
