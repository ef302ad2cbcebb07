import { AnyObject, DateTime, Int, OneOf, Text } from '../common/openapi/properties';
import { QUEUE_NAMES } from './queues';

/** BullMQ's job states, as `Job.getState()` names them. */
const JOB_STATES = ['waiting', 'waiting-children', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'unknown'];

export class JobResponse {
  @Text() id: string;
  @OneOf(QUEUE_NAMES) queue: string;
  @Text({ example: 'snapshot-run' }) name: string;
  @OneOf(JOB_STATES, { description: 'completed and failed are final' }) state: string;
  @Int({ example: 45, description: 'Percent done, 0–100' }) progress: number;
  @AnyObject({
    nullable: true,
    description: 'Counts behind the percent where the job reports them (e.g. loans_written/loans_total, rows, instructions_done/instructions_total), else null',
  })
  progress_detail: Record<string, unknown> | null;
  @AnyObject({ nullable: true, description: "The job's result once completed (its shape depends on the job), else null" })
  result: Record<string, unknown> | null;
  @Text({ nullable: true }) failed_reason: string | null;
  @Int() attempts_made: number;
  @DateTime({ nullable: true }) created_at: string | null;
  @DateTime({ nullable: true }) finished_at: string | null;
}
