/** CPU seconds per process, read from /proc: what a bench run cost each party on the machine. */
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime of one /proc/<pid>/stat, in seconds; 0 if the process is gone. */
function cpuOfPid(pid: string): { comm: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), seconds: (Number(f[11]) + Number(f[12])) / 100 }; // USER_HZ
  } catch {
    return null; // the process ended while we looked
  }
}

/** CPU seconds so far of every process whose command name is `comm`. */
export function cpuOf(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const s = cpuOfPid(pid);
    if (s?.comm === comm) total += s.seconds;
  }
  return total;
}

export function cpuOfProcess(pid: number): number {
  return cpuOfPid(String(pid))?.seconds ?? 0;
}

/** Starts counting; the returned function gives each party's CPU seconds since. */
export function cpuMeter(parties: Record<string, () => number>): () => Record<string, number> {
  const start = Object.fromEntries(Object.entries(parties).map(([k, f]) => [k, f()]));
  return () => Object.fromEntries(Object.entries(parties).map(([k, f]) => [k, f() - start[k]]));
}

export function formatCpu(used: Record<string, number>): string {
  return `CPU: ${Object.entries(used)
    .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
    .join(', ')}`;
}
