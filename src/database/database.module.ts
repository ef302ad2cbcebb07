import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityStore } from '../common/auth/identity.store';
import { APP_CONFIG, AppConfig } from '../config/env';
import { dataSourceOptions } from './options';
import { TenantDb } from './tenant-db';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, true), autoLoadEntities: true }),
    }),
  ],
  providers: [TenantDb, IdentityStore],
  exports: [TenantDb, IdentityStore],
})
export class DatabaseModule {}
