import type { Actor } from '../auth/actor';
import { Sql } from '../../database/sql';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  changes?: Record<string, unknown> | null;
  details?: Record<string, unknown> | null;
}

const SECRET_FIELD = /(account_number|iban|secret|password|key_hash|^key$|token)/i;

/** Field-level diff of `after` against `before`, secrets masked. */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    const from = before ? before[k] : null;
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    out[k] = SECRET_FIELD.test(k) ? { from: from == null ? null : '[redacted]', to: to == null ? null : '[redacted]' } : { from, to };
  }
  return out;
}

/** Written in the same transaction as the change it describes. */
export async function recordAudit(m: Sql, actor: Actor, e: AuditEntry): Promise<void> {
  await m.exec(
    `INSERT INTO audit_events (organization_id, actor_subject, actor_role, actor_type, api_key_id, request_id,
                               action, resource_type, resource_id, changes, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      actor.org,
      actor.subject,
      actor.role,
      actor.type,
      actor.apiKeyId ?? null,
      actor.requestId ?? null,
      e.action,
      e.resourceType,
      e.resourceId ?? null,
      e.changes ? JSON.stringify(e.changes) : null,
      e.details ? JSON.stringify(e.details) : null,
    ],
  );
}
