import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdentityStore } from '../common/auth/identity.store';
import { APP_CONFIG, AppConfig } from '../config/env';
import { dataSourceOptions } from './options';
import { TENANT_DATA_SOURCE, TenantDb } from './tenant-db';

/**
 * pg's connectionTimeoutMillis bounds both opening a connection and waiting for a free one:
 * a full pool answers "timeout exceeded" (a 503) instead of queueing a request indefinitely.
 */
const acquireTimeout = (config: AppConfig) => ({ connectTimeoutMS: config.databaseAcquireTimeoutMs });

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, true), ...acquireTimeout(config), autoLoadEntities: true }),
    }),
  ],
  providers: [
    {
      // TenantDb's own pool: nothing else can reach a connection that may carry an organization.
      provide: TENANT_DATA_SOURCE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new DataSource({ ...dataSourceOptions(config, true, 'tenant'), ...acquireTimeout(config) }).initialize(),
    },
    TenantDb,
    IdentityStore,
  ],
  exports: [TenantDb, IdentityStore],
})
export class DatabaseModule {}
