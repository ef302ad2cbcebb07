import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { notFound } from '../../common/errors/common.errors';
import { TenantDb } from '../../database/tenant-db';
import type { CreateClientDto } from './dto/client.dto';
import { flagstoneTimestamp, utcText } from './formatting';
import { duplicateClient } from './savings.errors';

interface ClientRow {
  id: string;
  client_reference: string;
  client_type: string;
  name: string;
  created_at: string;
}

const COLUMNS = `id, client_reference, client_type, name, ${utcText('created_at')} AS created_at`;

const view = (r: ClientRow) => ({
  clientId: r.id,
  clientReference: r.client_reference,
  clientType: r.client_type,
  name: r.name,
  dateCreatedUTC: flagstoneTimestamp(r.created_at),
});

@Injectable()
export class SavingsClientsService {
  constructor(private readonly db: TenantDb) {}

  create(actor: Actor, dto: CreateClientDto) {
    return this.db.transaction(actor.org, async (m) => {
      const row = await m.one<ClientRow>(`INSERT INTO savings_clients (client_reference, client_type, name) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, client_reference) DO NOTHING RETURNING ${COLUMNS}`,
        [dto.clientReference, dto.clientType, dto.name],
      );
      if (!row) {
        throw duplicateClient(dto.clientReference);
      }
      await recordAudit(m, actor, {
        action: 'savings_client.create',
        resourceType: 'savings_client',
        resourceId: row.id,
        changes: { clientReference: dto.clientReference, clientType: dto.clientType },
      });
      return view(row);
    });
  }

  get(actor: Actor, clientReference: string) {
    return this.db.transaction(actor.org, async (m) => {
      const row = await m.one<ClientRow>(`SELECT ${COLUMNS} FROM savings_clients WHERE organization_id = $1 AND client_reference = $2`,
        [actor.org, clientReference],
      );
      if (!row) throw notFound('Client', clientReference);
      return view(row);
    });
  }
}
