/** Rows per second over time as a small SVG area chart (no chart library: a polyline is enough). */
import { formatCompact, formatSeconds } from '@/lib/format';

export interface Sample {
  /** ms since epoch */
  t: number;
  rowsPerSecond: number;
}

const W = 600;
const H = 140;
const PAD = { top: 10, right: 8, bottom: 20, left: 44 };

export function ThroughputChart({ samples }: { samples: Sample[] }) {
  if (samples.length < 2) {
    return <p className="text-muted-foreground flex h-[140px] items-center justify-center text-sm">The chart fills in while the copy runs.</p>;
  }
  const t0 = samples[0].t;
  const span = Math.max(1, samples[samples.length - 1].t - t0);
  const max = Math.max(1, ...samples.map((s) => s.rowsPerSecond)) * 1.1;
  const x = (t: number) => PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const line = samples.map((s) => `${x(s.t).toFixed(1)},${y(s.rowsPerSecond).toFixed(1)}`).join(' ');
  const area = `${x(t0)},${y(0)} ${line} ${x(samples[samples.length - 1].t)},${y(0)}`;
  const ticks = [0, max / 2, max];
  const last = samples[samples.length - 1].rowsPerSecond;
  return (
    <figure className="space-y-1">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-[140px] w-full" role="img" aria-label={`Throughput over ${formatSeconds(span / 1000)}, now ${formatCompact(Math.round(last))} rows per second`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="stroke-border" strokeDasharray="3 3" />
            <text x={PAD.left - 6} y={y(v) + 3} textAnchor="end" className="fill-muted-foreground text-[10px]">
              {formatCompact(Math.round(v))}
            </text>
          </g>
        ))}
        <polygon points={area} className="fill-info/15" />
        <polyline points={line} fill="none" className="stroke-info" strokeWidth={2} strokeLinejoin="round" />
        <text x={PAD.left} y={H - 4} className="fill-muted-foreground text-[10px]">
          −{formatSeconds(span / 1000)}
        </text>
        <text x={W - PAD.right} y={H - 4} textAnchor="end" className="fill-muted-foreground text-[10px]">
          now
        </text>
      </svg>
      <figcaption className="text-muted-foreground text-xs">Rows per second, sampled every 2 s while this page is open.</figcaption>
    </figure>
  );
}
