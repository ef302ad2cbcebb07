import { BullRegistrar } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { bootProblems, RegisteredHandlers } from './job-handlers';
import { jobNamesOf } from './job-payloads';
import { JobWorker, queueOf } from './job-worker';
import { QUEUE_NAMES, QueueName } from './queues';

/**
 * Workers only. Starts the BullMQ workers (registration is manual, see JobsModule) once every
 * queue has its handler map: a worker process that lacks one refuses to start, before any
 * worker has taken a job, instead of leaving that queue's jobs waiting forever.
 */
@Injectable()
export class WorkerBoot implements OnModuleInit {
  private readonly logger = new Logger(WorkerBoot.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registrar: BullRegistrar,
  ) {}

  onModuleInit(): void {
    const registered: RegisteredHandlers[] = this.discovery
      .getProviders()
      .map((w) => w.instance as unknown)
      .filter((i): i is JobWorker<QueueName> => i instanceof JobWorker)
      .map((w) => ({ worker: w.constructor.name, queue: queueOf(w) ?? '(no @JobProcessor)', jobs: Object.keys(w.handlers) }));
    const declared = Object.fromEntries(QUEUE_NAMES.map((q) => [q, jobNamesOf(q)]));
    const problems = bootProblems(declared, registered);
    if (problems.length) throw new Error(`the workers cannot start: ${problems.join('; ')}`);
    this.registrar.register();
    this.logger.log({ queues: registered.map((r) => r.queue) }, 'queue workers started');
  }
}
