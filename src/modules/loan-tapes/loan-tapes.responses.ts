import { Bool, DateOnly, DateTime, Int, JobAcceptedResponse, ListOf, OneOf, PageOf, Text, Uuid, VersionedResponse } from '../../common/openapi/properties';
import type { TapeColumnType } from './tape-columns';
import { CONTENT_TYPES, TAPE_FORMATS, TAPE_SCHEDULES } from './tape-rules';

export const TAPE_COLUMN_TYPES = ['uuid', 'string', 'enum', 'date', 'datetime', 'money', 'rate', 'decimal', 'integer'] as const satisfies readonly TapeColumnType[];

/** One entry of `catalogView`. */
export class TapeColumnResponse {
  @Text({ example: 'loan_number' }) name: string;
  @OneOf(TAPE_COLUMN_TYPES) type: string;
  @Text() description: string;
}

/** The wire shape of `configView` (§7). */
export class TapeConfigResponse extends VersionedResponse {
  @Uuid() id: string;
  @Text({ example: 'Monthly investor tape' }) name: string;
  @Uuid({ nullable: true, description: 'null: every loan of the organization' }) portfolio_id: string | null;
  @OneOf(TAPE_FORMATS) format: string;
  @ListOf('string', { description: 'Catalog column names in output order' }) columns: string[];
  @OneOf(TAPE_SCHEDULES) schedule: string;
  @Int({ example: 6, description: 'Hour (UTC) a scheduled tape is generated' }) schedule_hour: number;
  @Bool() is_active: boolean;
}

export class TapeConfigPage extends PageOf(TapeConfigResponse) {}

class TapeError {
  @Text({ nullable: true }) field: string | null;
  @Text() message: string;
}

/** The wire shape of `tapeView`. */
export class TapeResponse {
  @Uuid() id: string;
  @Uuid() config_id: string;
  @OneOf(['queued', 'running', 'completed', 'failed']) status: string;
  @OneOf(['manual', 'schedule']) trigger: string;
  @OneOf(TAPE_FORMATS) format: string;
  @ListOf('string') columns: string[];
  @Uuid({ nullable: true }) portfolio_id: string | null;
  @DateOnly() as_of_date: string;
  @OneOf(['live', 'snapshot'], { description: "live loans (today) or that date's loan snapshots" }) source: string;
  @Int({ nullable: true, description: 'Data rows, once completed' }) row_count: number | null;
  @Int({ nullable: true, description: 'File size in bytes, once completed' }) byte_size: number | null;
  @Text({ nullable: true, description: 'Hex SHA-256 of the file, once completed' }) sha256: string | null;
  @Text({ example: 'tape-2026-01-15.csv' }) file_name: string;
  @Text({ nullable: true, example: '/loan-tapes/…/download', description: 'Relative URL of the file, once completed' })
  download_url: string | null;
  @ListOf(TapeError) errors: TapeError[];
  @Text({ nullable: true }) failed_reason: string | null;
  @Text({ nullable: true }) job_id: string | null;
  @Text({ nullable: true }) status_url: string | null;
  @Text({ description: 'Subject of whoever asked for it' }) requested_by: string;
  @DateTime() created_at: string;
  @DateTime({ nullable: true }) started_at: string | null;
  @DateTime({ nullable: true }) completed_at: string | null;
}

export class TapePage extends PageOf(TapeResponse) {}

export class TapeAcceptedResponse extends JobAcceptedResponse {
  @Uuid({ description: 'The tape being generated; GET /loan-tapes/{id}' }) tape_id: string;
}

/** The download's media types, one per format (csv carries its charset on the wire). */
export const TAPE_MEDIA_TYPES = Object.values(CONTENT_TYPES).map((t) => t.split(';')[0]);
