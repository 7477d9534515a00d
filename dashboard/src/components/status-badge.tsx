import { CheckCircle2Icon, CircleDashedIcon, LoaderCircleIcon, OctagonXIcon, XCircleIcon } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import type { MigrationStatus } from '@/api/types';

const LOOK: Record<MigrationStatus, { variant: 'secondary' | 'info' | 'success' | 'destructive' | 'warning'; icon: typeof CheckCircle2Icon; spin?: boolean }> = {
  pending: { variant: 'secondary', icon: CircleDashedIcon },
  running: { variant: 'info', icon: LoaderCircleIcon, spin: true },
  completed: { variant: 'success', icon: CheckCircle2Icon },
  failed: { variant: 'destructive', icon: XCircleIcon },
  cancelled: { variant: 'warning', icon: OctagonXIcon },
};

export function StatusBadge({ status }: { status: MigrationStatus | null }) {
  if (!status) return <Badge variant="outline">unknown</Badge>;
  const look = LOOK[status];
  const Icon = look.icon;
  return (
    <Badge variant={look.variant} data-status={status}>
      <Icon className={look.spin ? 'animate-spin' : undefined} aria-hidden="true" />
      {status}
    </Badge>
  );
}

/** Bars in the status's colour: running blue, completed green, failed red. */
export function progressColor(status: MigrationStatus): string | undefined {
  if (status === 'failed') return 'bg-destructive';
  if (status === 'completed') return 'bg-success';
  if (status === 'running') return 'bg-info';
  if (status === 'cancelled') return 'bg-warning';
  return undefined;
}
