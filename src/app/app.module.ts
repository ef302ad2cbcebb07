import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { AppConfig } from '../config/env';
import { AuditController } from '../common/audit/audit.controller';
import { AuthGuard } from '../common/auth/auth.guard';
import { ProblemFilter } from '../common/errors/problem.filter';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { HealthController } from '../ops/health.controller';
import { CoreModule } from './core.module';
import { FEATURE_MODULES, WORKER_MODULES } from './features';

@Module({})
export class AppModule {
  /** One build, two entry points: the API, the workers, or both in one process. */
  static forRole(config: AppConfig): DynamicModule {
    const role = config.processRole;
    const api = role === 'api' || role === 'all';
    const workers = role === 'worker' || role === 'all';
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), ...FEATURE_MODULES, ...(workers ? WORKER_MODULES : [])],
      controllers: api ? [HealthController, AuditController] : [],
      providers: api
        ? [
            AuthGuard,
            // useExisting: the rate limiter asks the same instance who is calling.
            { provide: APP_GUARD, useExisting: AuthGuard },
            { provide: APP_FILTER, useClass: ProblemFilter },
            IdempotencyStore,
            { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
          ]
        : [],
    };
  }
}
