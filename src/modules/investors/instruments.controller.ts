import { Body, Controller, Get, Headers, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { parseIfMatch } from '../../common/versioning/versioning';
import { CreateInstrumentDto, InstrumentQuery, UpdateInstrumentDto } from './investors.dto';
import { InstrumentsService } from './instruments.service';
import { SettlementInstrumentPage, SettlementInstrumentResponse } from './investors.responses';

@ApiTags('investors')
@Controller()
export class InstrumentsController {
  constructor(private readonly instruments: InstrumentsService) {}

  @Get('investors/:id/settlement-instruments')
  @ApiOperation({ summary: "List an investor's settlement instruments (account numbers and IBANs only as their last 4 characters, at most half)" })
  @ApiOkResponse({ type: SettlementInstrumentPage, description: 'One page of instruments' })
  list(@CurrentActor() actor: Actor, @Param('id', IdOf('Investor')) id: string, @Query() q: InstrumentQuery, @Req() req: FastifyRequest) {
    return this.instruments.list(actor, id, q, req);
  }

  @Post('investors/:id/settlement-instruments')
  @ApiOperation({
    summary: 'Add a settlement instrument (admin)',
    description:
      'Per instrument_type: ach/wire routing_number (ABA checksum) + account_number; sepa iban (mod-97, SEPA country) + bic; ' +
      'faster_payments sort_code (6 digits) + account_number (8 digits); swift bic + iban and/or account_number. ' +
      'Account numbers and IBANs are encrypted at rest. is_default=true unsets the previous default of the same investor and currency.',
  })
  @ApiCreatedResponse({ type: SettlementInstrumentResponse, description: 'The new instrument' })
  create(@CurrentActor() actor: Actor, @Param('id', IdOf('Investor')) id: string, @Body() dto: CreateInstrumentDto) {
    return this.instruments.create(actor, id, dto);
  }

  @Get('settlement-instruments/:id')
  @ApiOperation({ summary: 'Get a settlement instrument' })
  @ApiOkResponse({ type: SettlementInstrumentResponse, description: 'The instrument' })
  get(@CurrentActor() actor: Actor, @Param('id', IdOf('Settlement instrument')) id: string) {
    return this.instruments.get(actor, id);
  }

  @Put('settlement-instruments/:id')
  @ApiOperation({ summary: 'Update a settlement instrument (instrument_type and currency are fixed) (admin)' })
  @ApiOkResponse({ type: SettlementInstrumentResponse, description: 'The instrument after the update' })
  update(@CurrentActor() actor: Actor, @Param('id', IdOf('Settlement instrument')) id: string, @Body() dto: UpdateInstrumentDto, @Headers('if-match') ifMatch?: string) {
    return this.instruments.update(actor, id, dto, parseIfMatch(ifMatch));
  }
}
