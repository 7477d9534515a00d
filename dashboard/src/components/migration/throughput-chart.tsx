/** Rows per second over time as a small SVG area chart (no chart library: a polyline is enough). */
import * as React from 'react';
import { formatCompact, formatSeconds } from '@/lib/format';

export interface Sample {
  /** ms since epoch */
  t: number;
  rowsPerSecond: number;
}

const H = 150;
const PAD = { top: 10, right: 8, bottom: 20, left: 44 };

/** The element's width in CSS pixels, so the chart draws at its real size (text stays undistorted). */
function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = React.useRef<T>(null);
  const [width, setWidth] = React.useState(600);
  React.useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.round(entry.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

export function ThroughputChart({ samples, average }: { samples: Sample[]; average: number | null }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  return (
    <div ref={ref}>
      <Chart samples={samples} average={average} W={width} />
    </div>
  );
}

function Chart({ samples, average, W }: { samples: Sample[]; average: number | null; W: number }) {
  if (samples.length < 2) {
    return (
      <div className="text-muted-foreground flex h-[150px] flex-col items-center justify-center gap-1 text-sm">
        {average !== null && <span className="text-foreground text-2xl font-semibold tabular-nums">{formatCompact(average)} rows/s</span>}
        <span>{average !== null ? 'on average over the copy. ' : ''}The chart draws while a copy runs with this page open.</span>
      </div>
    );
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
      <svg width={W} height={H} role="img" aria-label={`Throughput over ${formatSeconds(span / 1000)}, now ${formatCompact(Math.round(last))} rows per second`}>
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
