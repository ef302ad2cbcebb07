import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, MinRole } from '../auth/decorators';
import { listPage } from '../pagination/list-page';
import { PageQuery } from '../pagination/pagination';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { AuditEventPage } from '../../ops/ops.responses';

class AuditQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(64) resource_type?: string;
  @IsOptional() @IsString() @MaxLength(100) resource_id?: string;
  @IsOptional() @IsString() @MaxLength(64) action?: string;
}

const AUDIT_COLUMNS = `id, occurred_at, actor_subject, actor_role, actor_type, api_key_id, request_id,
  action, resource_type, resource_id, changes, details`;

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly db: TenantDb) {}

  @Get()
  @MinRole('admin')
  @ApiOperation({ summary: 'Audit trail of every write, newest first (admin)' })
  @ApiOkResponse({ type: AuditEventPage, description: 'One page of audit events' })
  list(@CurrentActor() actor: Actor, @Query() q: AuditQuery, @Req() req: FastifyRequest) {
    const where = new Where().and`organization_id = ${actor.org}`;
    if (q.resource_type !== undefined) where.and`resource_type = ${q.resource_type}`;
    if (q.resource_id !== undefined) where.and`resource_id = ${q.resource_id}`;
    if (q.action !== undefined) where.and`action = ${q.action}`;
    const list = { columns: AUDIT_COLUMNS, from: 'audit_events', where, orderBy: 'occurred_at DESC, id DESC' };
    return this.db.transaction(actor.org, (m) => listPage(m, req, q, list, (r: Record<string, unknown>) => r));
  }
}
