import { AnyObject, DateTime, MapOf, OneOf, PageOf, Text, Uuid } from '../common/openapi/properties';

export class LiveResponse {
  @OneOf(['ok']) status: string;
}

export class ReadyResponse {
  @OneOf(['ok']) status: string;
  @MapOf(['postgres', 'redis'], { type: 'string', enum: ['up', 'down'] }) checks: Record<string, string>;
}

export class AuditEventResponse {
  @Uuid() id: string;
  @DateTime() occurred_at: string;
  @Text({ description: 'Who did it: a JWT subject or api_key:<id>' }) actor_subject: string;
  @Text({ example: 'admin' }) actor_role: string;
  @Text({ example: 'jwt' }) actor_type: string;
  @Uuid({ nullable: true }) api_key_id: string | null;
  @Text({ nullable: true }) request_id: string | null;
  @Text({ example: 'loan.update' }) action: string;
  @Text({ example: 'loan' }) resource_type: string;
  @Text({ nullable: true }) resource_id: string | null;
  @AnyObject({ nullable: true, description: 'Changed fields as {field: {from, to}}; secrets masked' }) changes: Record<string, unknown> | null;
  @AnyObject({ nullable: true, description: 'Counts and parameters of bulk operations' }) details: Record<string, unknown> | null;
}

export class AuditEventPage extends PageOf(AuditEventResponse) {}
