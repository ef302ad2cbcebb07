import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, MinRole } from '../auth/decorators';
import { offsetOf, pageOf, PageQuery } from '../pagination/pagination';
import { TenantDb } from '../../database/tenant-db';
import { AuditEventPage } from '../../ops/ops.responses';

class AuditQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(64) resource_type?: string;
  @IsOptional() @IsString() @MaxLength(100) resource_id?: string;
  @IsOptional() @IsString() @MaxLength(64) action?: string;
}

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly db: TenantDb) {}

  @Get()
  @MinRole('admin')
  @ApiOperation({ summary: 'Audit trail of every write, newest first (admin)' })
  @ApiOkResponse({ type: AuditEventPage, description: 'One page of audit events' })
  async list(@CurrentActor() actor: Actor, @Query() q: AuditQuery, @Req() req: FastifyRequest) {
    const where = ['organization_id = $1'];
    const params: unknown[] = [actor.org];
    for (const [col, val] of [
      ['resource_type', q.resource_type],
      ['resource_id', q.resource_id],
      ['action', q.action],
    ] as const) {
      if (val !== undefined) {
        params.push(val);
        where.push(`${col} = $${params.length}`);
      }
    }
    const [{ count }, rows] = await this.db.run(actor.org, async (m) => [
      (await m.rows(`SELECT count(*)::int AS count FROM audit_events WHERE ${where.join(' AND ')}`, params))[0],
      await m.rows(
        `SELECT id, occurred_at, actor_subject, actor_role, actor_type, api_key_id, request_id,
                action, resource_type, resource_id, changes, details
           FROM audit_events WHERE ${where.join(' AND ')}
          ORDER BY occurred_at DESC, id DESC LIMIT ${q.page_size} OFFSET ${offsetOf(q)}`,
        params,
      ),
    ]);
    return pageOf(req, q, count as number, rows as Record<string, unknown>[]);
  }
}
