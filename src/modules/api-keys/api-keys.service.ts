import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from '../../common/auth/actor';
import { newApiKey } from '../../common/auth/credentials';
import { recordAudit } from '../../common/audit/audit';
import { notFound } from '../../common/errors/common.errors';
import { listPage } from '../../common/pagination/list-page';
import { PageQuery } from '../../common/pagination/pagination';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';

const COLUMNS = `id, name, role, key_prefix, created_by, created_at, revoked_at`;

@Injectable()
export class ApiKeysService {
  constructor(private readonly db: TenantDb) {}

  create(actor: Actor, name: string, role: Role) {
    const { key, hash, prefix } = newApiKey();
    return this.db.transaction(actor.org, async (m) => {
      const [row] = await m.rows<{ id: string; name: string; role: string; created_at: Date }>(
        `INSERT INTO api_keys (name, role, key_hash, key_prefix, created_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, role, created_at`,
        [name, role, hash, prefix, actor.subject],
      );
      await recordAudit(m, actor, { action: 'api_key.create', resourceType: 'api_key', resourceId: row.id, changes: { name, role } });
      return { id: row.id, name: row.name, role: row.role, key, created_at: row.created_at };
    });
  }

  list(actor: Actor, q: PageQuery, req: FastifyRequest) {
    // No organization condition: row-level security already shows only the caller's keys.
    const list = { columns: COLUMNS, from: 'api_keys', where: new Where(), orderBy: 'created_at DESC, id' };
    return this.db.transaction(actor.org, (m) => listPage(m, req, q, list, (r: Record<string, unknown>) => r));
  }

  revoke(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => {
      const revoked = await m.rows(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id`, [id]);
      if (!revoked.length) throw notFound('API key', id);
      await recordAudit(m, actor, { action: 'api_key.revoke', resourceType: 'api_key', resourceId: id });
    });
  }
}
