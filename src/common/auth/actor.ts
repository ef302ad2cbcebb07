export const ROLES = ['viewer', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };
export const roleAtLeast = (role: Role, min: Role): boolean => RANK[role] >= RANK[min];
export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Who is calling, for which organization. Every service call that touches tenant data takes one. */
export interface Actor {
  org: string;
  subject: string;
  role: Role;
  type: 'jwt' | 'api_key' | 'system';
  apiKeyId?: string;
  requestId?: string;
}

/** Scheduled runs act for an organization as the system. */
export const systemActor = (org: string, requestId?: string): Actor => ({
  org,
  subject: 'system',
  role: 'owner',
  type: 'system',
  requestId,
});

/**
 * One caller within its organization: an API key by its id, anyone else by credential type and
 * subject. The type keeps a token whose `sub` happens to read "api_key:…" apart from the key.
 * Idempotency keys and rate-limit budgets are scoped by it.
 */
export const callerId = (actor: Actor): string =>
  actor.apiKeyId ? `key:${actor.apiKeyId}` : `${actor.type}:${actor.subject}`;
