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
