import { ApiProperty } from '@nestjs/swagger';
import { AnyObject, DateTime, Int, MapOf, OneOf, PageOf, Text, Uuid } from '../common/openapi/properties';

export class LiveResponse {
  @OneOf(['ok']) status: string;
}

export class ScheduleHealth {
  @Text({ example: 'snapshots-daily' }) schedule: string;
  @Text({ example: 'snapshots' }) queue: string;
  @Text({ nullable: true, example: '30 23 * * *' }) cron: string | null;
  @DateTime({ nullable: true, description: 'The last run that completed; null when none has yet' }) last_success_at: string | null;
  @Int({ nullable: true, description: 'Seconds since the last success (alert on a stale schedule)' }) age_seconds: number | null;
}

export class ReadyResponse {
  @OneOf(['ok']) status: string;
  @MapOf(['postgres', 'redis'], { type: 'string', enum: ['up', 'down'] }) checks: Record<string, string>;
  @ApiProperty({ type: [ScheduleHealth], nullable: true, required: true, description: "Each schedule's last success (null when Postgres could not say in time)" })
  schedules: ScheduleHealth[] | null;
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
