import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ClientCredentialsService } from './client-credentials.service';
import { TokenController } from './token.controller';

@Module({ controllers: [ApiKeysController, TokenController], providers: [ApiKeysService, ClientCredentialsService] })
export class ApiKeysModule {}
