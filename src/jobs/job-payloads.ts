import { isUuid } from '../common/ids/uuid';
import { isIsoDate } from '../common/money/validators';
import { hasValidSignature, SIGNATURE_FIELD, signPayload } from './job-signature';
import { JobName, QueueName } from './queues';

/** A field's check: null when the value is acceptable, else what is wrong with it. */
type Check = (v: unknown, today: string) => string | null;

interface Shape {
  /** Tenant jobs carry an organization and an actor, so only the service may create them. */
  signed: boolean;
  fields: Record<string, Check>;
  required: string[];
}

const uuid: Check = (v) => (isUuid(v) ? null : 'must be a uuid');
// The same rule the HTTP layer applies before adopting a caller's X-Request-Id.
const requestId: Check = (v) => (typeof v === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(v) ? null : 'must be a request id');
// Token subjects are at most 200 characters (verifyToken); api_key:<uuid> and 'system' fit.
// eslint-disable-next-line no-control-regex
const subject: Check = (v) => (typeof v === 'string' && /^[^\u0000-\u001f\u007f]{1,200}$/.test(v) ? null : 'must be a subject');
const date = (rule: (v: string, today: string) => string | null): Check => (v, today) =>
  isIsoDate(v) ? rule(v, today) : 'must be a date YYYY-MM-DD';
// A run records live state, so it is dated today (POST /snapshot-runs refuses any other day).
const today = date((v, t) => (v === t ? null : `must be today (${t}, UTC); got ${v}`));
// Accrual counts only complete days: a date after today would pay interest not yet earned.
const notFuture = date((v, t) => (v <= t ? null : `must not be after today (${t}, UTC); got ${v}`));

// The history import's recompute covers imported days, which are all before today; at most ten years of days.
const pastDates: Check = (v, t) =>
  Array.isArray(v) && v.length > 0 && v.length <= 3700 && v.every((d) => isIsoDate(d) && d < t)
    ? null
    : `must be a list of dates YYYY-MM-DD before today (${t}, UTC)`;

const tenant = (required: Record<string, Check> = {}, optional: Record<string, Check> = {}): Shape => ({
  signed: true,
  fields: { org: uuid, requestId, actorSubject: subject, ...required, ...optional },
  required: ['org', ...Object.keys(required)],
});
/** A scheduler's tick: it derives everything from configuration, so it carries (and trusts) nothing. */
const fanOut: Shape = { signed: false, fields: {}, required: [] };

/** Every job the service creates, by queue and name; the type makes a new job name without a shape a compile error. */
const SHAPES: { [Q in QueueName]: Record<JobName<Q>, Shape> } = {
  'auto-assign': { 'auto-assign': tenant({ portfolioId: uuid }), 'auto-assign-dynamic': tenant(), 'fan-out': fanOut },
  snapshots: { 'snapshot-run': tenant({ snapshotDate: today }), history: tenant({ dates: pastDates }), 'month-ends': tenant(), 'fan-out': fanOut },
  'loan-tapes': {
    'generate-tape': tenant({ tapeId: uuid }),
    'scheduled-tape': tenant({ configId: uuid }),
    'cleanup-tapes': tenant(),
    'fan-out-cleanup': fanOut,
  },
  savings: {
    settlement: tenant({}, { businessDate: notFuture }),
    accrual: tenant({}, { businessDate: notFuture }),
    'fan-out-settlement': fanOut,
    'fan-out-accrual': fanOut,
  },
};

/** The job names a queue carries, at run time (the workers' boot check compares handler maps with them). */
export const jobNamesOf = (queue: QueueName): string[] => Object.keys(SHAPES[queue]);

function shapeOf(queue: string, name: string): Shape | undefined {
  const jobs = (SHAPES as Record<string, Record<string, Shape>>)[queue];
  return jobs && Object.hasOwn(jobs, name) ? jobs[name] : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The producer's side: drops undefined fields (JSON would drop them anyway, after signing)
 * and signs a tenant job's payload.
 */
export function sealJob(key: Buffer, queue: QueueName, name: string, data: Record<string, unknown>): Record<string, unknown> {
  const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  if (!shapeOf(queue, name)?.signed) return clean;
  return { ...clean, [SIGNATURE_FIELD]: signPayload(key, queue, name, clean) };
}

/**
 * The worker's side, before anything else: null when the job may run, else why not. A payload
 * the service did not sign, or one asking for what its HTTP route refuses, never runs.
 */
export function refusalOf(key: Buffer, queue: string, name: string, data: unknown, todayUtc: string): string | null {
  const shape = shapeOf(queue, name);
  if (!shape) return `unknown job "${name}" on queue ${queue}`;
  if (!isPlainObject(data)) return 'the payload is not an object';
  if (shape.signed && !hasValidSignature(key, queue, name, data)) {
    return 'the payload signature is missing or does not match (the job was not created by this service, or was altered)';
  }
  for (const field of Object.keys(data)) {
    if (!Object.hasOwn(shape.fields, field) && !(shape.signed && field === SIGNATURE_FIELD)) return `unexpected field "${field}"`;
  }
  for (const field of shape.required) if (!Object.hasOwn(data, field)) return `field "${field}" is required`;
  for (const [field, check] of Object.entries(shape.fields)) {
    if (!Object.hasOwn(data, field)) continue;
    const problem = check(data[field], todayUtc);
    if (problem) return `field "${field}" ${problem}`;
  }
  return null;
}
