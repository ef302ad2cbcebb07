import { getQueueToken } from '@nestjs/bullmq';
import type { Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES } from './queues';
import { quietErrors } from './redis-outage';

/**
 * The BullModule queues (workers' and the dashboard's) report Redis errors like every other
 * client. A factory, so the listeners are on before the first connection attempt can fail.
 */
export const QUEUE_ERRORS: Provider = {
  provide: Symbol('QUEUE_ERRORS'),
  inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
  useFactory: (...queues: Queue[]) => queues.forEach((q) => quietErrors(q, `bull:${q.name}`)),
};
