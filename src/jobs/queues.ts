/** Every queue and the jobs it carries, with their payloads. Payloads hold ids, never personal data. */
export const QUEUES = {
  autoAssign: 'auto-assign',
  snapshots: 'snapshots',
  loanTapes: 'loan-tapes',
  savings: 'savings',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: QueueName[] = Object.values(QUEUES);

/** Common to every tenant job: which organization, and the request that caused it. */
export interface TenantJob {
  org: string;
  requestId?: string;
  actorSubject?: string;
}

/** A scheduler fires this; its worker enqueues one tenant job per organization. */
export type FanOutJob = Record<string, never>;

export interface JobPayloads {
  'auto-assign': {
    'auto-assign': TenantJob & { portfolioId: string };
    'auto-assign-dynamic': TenantJob;
    'fan-out': FanOutJob;
  };
  snapshots: {
    'snapshot-run': TenantJob & { snapshotDate: string };
    history: TenantJob & { dates: string[] };
    /** A run's month-end upkeep, after the run committed (month-ends.ts: deferRun). */
    'month-ends': TenantJob;
    'fan-out': FanOutJob;
  };
  'loan-tapes': {
    'generate-tape': TenantJob & { tapeId: string };
    'scheduled-tape': TenantJob & { configId: string };
    'cleanup-tapes': TenantJob;
    'fan-out-cleanup': FanOutJob;
  };
  savings: {
    settlement: TenantJob & { businessDate?: string };
    accrual: TenantJob & { businessDate?: string };
    'fan-out-settlement': FanOutJob;
    'fan-out-accrual': FanOutJob;
  };
}

export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobData<Q extends QueueName, N extends JobName<Q>> = JobPayloads[Q][N];

/** Job ids carry queue, job name and organization, joined with '.', since BullMQ rejects ':'. */
export function makeJobId(queue: QueueName, name: string, org: string, runId: string): string {
  return [queue, name, org, runId].join('.');
}

export function parseJobId(id: string): { queue: QueueName; name: string; org: string } | null {
  const parts = id.split('.');
  if (parts.length !== 4) return null;
  const [queue, name, org] = parts;
  if (!(QUEUE_NAMES as string[]).includes(queue)) return null;
  return { queue: queue as QueueName, name, org };
}
