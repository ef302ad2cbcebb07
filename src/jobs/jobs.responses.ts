import { ApiProperty } from '@nestjs/swagger';
import { AnyObject, DateTime, Int, OneOf, Text } from '../common/openapi/properties';
import { QUEUE_NAMES } from './queues';

/** BullMQ's job states, as `Job.getState()` names them. */
const JOB_STATES = ['waiting', 'waiting-children', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'unknown'];

export class JobResponse {
  @Text() id: string;
  @OneOf(QUEUE_NAMES) queue: string;
  @Text({ example: 'snapshot-run' }) name: string;
  @OneOf(JOB_STATES, { description: 'completed and failed are final' }) state: string;
  @ApiProperty({ required: true, description: 'Progress as the job reports it: a number (percent) or an object', oneOf: [{ type: 'number' }, { type: 'object' }] })
  progress: number | object;
  @AnyObject({ nullable: true, description: "The job's result once completed (its shape depends on the job), else null" })
  result: Record<string, unknown> | null;
  @Text({ nullable: true }) failed_reason: string | null;
  @Int() attempts_made: number;
  @DateTime({ nullable: true }) created_at: string | null;
  @DateTime({ nullable: true }) finished_at: string | null;
}
