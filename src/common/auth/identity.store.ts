import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isRole, Role } from './actor';
import { hashApiKey } from './credentials';

export interface KeyIdentity {
  id: string;
  org: string;
  role: Role;
}

/** Identity look-ups that happen before an organization is known. */
@Injectable()
export class IdentityStore {
  private readonly known = new Set<string>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Looked up on every request (no cache) so that revocation takes effect at once. */
  async findApiKey(key: string): Promise<KeyIdentity | null> {
    if (key.length < 10 || key.length > 200) return null;
    return this.liveKey('SELECT id, organization_id, role FROM api_key_identity($1)', hashApiKey(key));
  }

  /** A client-credentials token names its key by id; the key must still be live, checked on every request. */
  findApiKeyById(id: string): Promise<KeyIdentity | null> {
    return this.liveKey('SELECT id, organization_id, role FROM api_key_identity_by_id($1)', id);
  }

  private async liveKey(sql: string, param: unknown): Promise<KeyIdentity | null> {
    const rows: { id: string; organization_id: string; role: string }[] = await this.ds.query(sql, [param]);
    const row = rows[0];
    return row && isRole(row.role) ? { id: row.id, org: row.organization_id, role: row.role } : null;
  }

  /** Organizations live in the identity provider; we record each one the first time we see it. */
  async rememberOrganization(org: string): Promise<void> {
    if (this.known.has(org)) return;
    await this.ds.query('INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING', [org]);
    this.known.add(org);
  }

  async organizations(): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query('SELECT id FROM organizations ORDER BY id');
    return rows.map((r) => r.id);
  }
}
