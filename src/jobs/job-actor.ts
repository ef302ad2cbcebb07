import type { Actor } from '../common/auth/actor';
import type { TenantJob } from './queues';

/** A job acts for its organization under the requester's identity, for the audit trail. */
export const jobActor = (d: TenantJob): Actor => ({
  org: d.org,
  subject: d.actorSubject ?? 'system',
  role: 'admin',
  type: 'system',
  requestId: d.requestId,
});
