import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { SavingsClientsService } from './clients.service';
import { CreateClientDto } from './dto/client.dto';
import { SavingsClientResponse } from './savings.responses';

@ApiTags('savings')
@Controller('financial-partners/clients')
export class SavingsClientsController {
  constructor(private readonly clients: SavingsClientsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a savings client (clientReference unique per organization; 409 on a repeat)' })
  @ApiCreatedResponse({ type: SavingsClientResponse, description: 'The new client' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateClientDto) {
    return this.clients.create(actor, dto);
  }

  @Get(':clientReference')
  @ApiOperation({ summary: 'One savings client' })
  @ApiOkResponse({ type: SavingsClientResponse, description: 'The client' })
  get(@CurrentActor() actor: Actor, @Param('clientReference') clientReference: string) {
    return this.clients.get(actor, clientReference);
  }
}
