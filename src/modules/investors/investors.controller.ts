import { Body, Controller, Get, Headers, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { parseIfMatch } from '../../common/versioning/versioning';
import { CreateInvestorDto, InvestorQuery, UpdateInvestorDto } from './investors.dto';
import { InvestorsService } from './investors.service';
import { InvestorPage, InvestorResponse } from './investors.responses';

@ApiTags('investors')
@Controller('investors')
export class InvestorsController {
  constructor(private readonly investors: InvestorsService) {}

  @Get()
  @ApiOperation({ summary: 'List investors, newest first (filters: status, investor_type)' })
  @ApiOkResponse({ type: InvestorPage, description: 'One page of investors' })
  list(@CurrentActor() actor: Actor, @Query() q: InvestorQuery, @Req() req: FastifyRequest) {
    return this.investors.list(actor, q, req);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an investor' })
  @ApiOkResponse({ type: InvestorResponse, description: 'The investor' })
  get(@CurrentActor() actor: Actor, @Param('id', IdOf('Investor')) id: string) {
    return this.investors.get(actor, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create an investor (admin)' })
  @ApiCreatedResponse({ type: InvestorResponse, description: 'The new investor' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateInvestorDto) {
    return this.investors.create(actor, dto);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update an investor (partial; If-Match honoured → 412) (admin)' })
  @ApiOkResponse({ type: InvestorResponse, description: 'The investor after the update' })
  update(@CurrentActor() actor: Actor, @Param('id', IdOf('Investor')) id: string, @Body() dto: UpdateInvestorDto, @Headers('if-match') ifMatch?: string) {
    return this.investors.update(actor, id, dto, parseIfMatch(ifMatch));
  }
}
