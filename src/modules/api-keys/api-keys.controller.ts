import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Actor, Role, ROLES } from '../../common/auth/actor';
import { CurrentActor, MinRole } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { WithheldOnReplay } from '../../common/idempotency/withheld';
import { PageQuery } from '../../common/pagination/pagination';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyCreatedResponse, ApiKeyPage } from './api-keys.responses';

export class CreateApiKeyDto {
  @IsString() @Length(1, 100) name: string;
  @IsIn(ROLES as unknown as string[]) role: Role;
}

@ApiTags('api-keys')
@MinRole('owner')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @WithheldOnReplay('key')
  @ApiOperation({
    summary: 'Create an API key; the key is shown only in this response (owner)',
    description:
      'A replay with the same Idempotency-Key returns the same body with `key: null` and a `Secret-Withheld` header: ' +
      'the key is never stored, so it cannot be shown twice.',
  })
  @ApiCreatedResponse({ type: ApiKeyCreatedResponse, description: 'The new key, with its secret (null on an idempotent replay)' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApiKeyDto) {
    return this.keys.create(actor, dto.name, dto.role);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, without their secrets (owner)' })
  @ApiOkResponse({ type: ApiKeyPage, description: 'One page of keys' })
  list(@CurrentActor() actor: Actor, @Query() q: PageQuery, @Req() req: FastifyRequest) {
    return this.keys.list(actor, q, req);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key, effective at once (owner)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@CurrentActor() actor: Actor, @Param('id', IdOf('API key')) id: string) {
    await this.keys.revoke(actor, id);
  }
}
