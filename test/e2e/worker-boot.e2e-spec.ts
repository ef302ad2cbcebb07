import { Test, TestingModule } from '@nestjs/testing';
import { CoreModule } from '../../src/app/core.module';
import { FEATURE_MODULES, WORKER_MODULES } from '../../src/app/features';
import { createLogger, PinoNestLogger } from '../../src/common/logging/logger';
import { loadConfig } from '../../src/config/env';
import { SavingsProcessor } from '../../src/modules/savings/savings.processor';
import { SavingsWorkersModule } from '../../src/modules/savings/savings.workers.module';
import { SnapshotsProcessor } from '../../src/modules/snapshots/snapshots.processor';
import { ThrowawayRedis } from '../support/redis-server';
import { IsolatedDatabase } from '../support/isolated-db';

/**
 * Issue 15.2: a worker process that lacks a queue's handler map refuses to start. The process
 * is composed as AppModule composes the worker role (core, features, worker modules), once
 * without the savings workers module. A database and a Redis of this file's own: the worker
 * that does start reconciles every pending job and registers every schedule.
 */
describe('worker boot (e2e)', () => {
  const redis = new ThrowawayRedis();
  const db = new IsolatedDatabase('workerboot');
  let ref: TestingModule | undefined;

  const workerProcess = async (workerModules: unknown[]) => {
    const config = loadConfig({ ...process.env, DATABASE_URL: db.url, REDIS_URL: redis.url, PROCESS_ROLE: 'worker' });
    ref = await Test.createTestingModule({ imports: [CoreModule.forRoot(config), ...FEATURE_MODULES, ...(workerModules as [])] })
      .setLogger(new PinoNestLogger(createLogger(config.logLevel)))
      .compile();
    return ref;
  };

  beforeAll(async () => {
    await redis.start();
    await db.create();
  });
  afterEach(async () => {
    await ref?.close();
    ref = undefined;
  });
  afterAll(async () => {
    redis.stop();
    await db.drop();
  });

  it('refuses to start without the savings handlers, naming the queue, before any worker is created', async () => {
    const app = await workerProcess(WORKER_MODULES.filter((m) => m !== SavingsWorkersModule));
    await expect(app.init()).rejects.toThrow(
      'the workers cannot start: queue "savings" has no handler map (no JobWorker for it is provided)',
    );
    // No queue's worker was created, so none took a job it would then be killed in the middle of.
    expect(() => app.get(SnapshotsProcessor).worker).toThrow(/has not yet been initialized/);
    // Nest's close() first awaits the failed init and rethrows; forgetting it lets close() free
    // the pools and connections (the real process exits instead: "boot failed: …", see main.ts).
    Object.assign(app, { initializationPromise: undefined });
  });

  it('starts with every worker module, each queue served by its processor', async () => {
    const app = await workerProcess(WORKER_MODULES);
    await app.init();
    const savings = app.get(SavingsProcessor).worker;
    expect({ queue: savings.name, running: savings.isRunning() }).toEqual({ queue: 'savings', running: true });
    expect(app.get(SnapshotsProcessor).worker.name).toBe('snapshots');
  });
});
