import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { parseIfMatch } from '../../common/versioning/versioning';
import { LoanListQuery } from '../loans/loan-filters';
import { AutoAssignService } from './auto-assign.service';
import { AssignLoansDto, CreatePortfolioDto, ListPortfoliosQuery, TransferLoansDto, UpdatePortfolioDto } from './portfolios.dto';
import { MembershipService } from './membership.service';
import { PortfoliosService } from './portfolios.service';
import { JobAcceptedResponse } from '../../common/openapi/properties';
import { LoanPage } from '../loans/loans.responses';
import { LoansAssignedResponse, LoansTransferredResponse, PortfolioPage, PortfolioResponse } from './portfolios.responses';

@ApiTags('portfolios')
@Controller('portfolios')
export class PortfoliosController {
  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly membership: MembershipService,
    private readonly autoAssign: AutoAssignService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List portfolios (archived hidden unless ?status=archived or ?include_archived=true)' })
  @ApiOkResponse({ type: PortfolioPage, description: 'One page of portfolios' })
  list(@CurrentActor() actor: Actor, @Query() q: ListPortfoliosQuery, @Req() req: FastifyRequest) {
    return this.portfolios.list(actor, q, req);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a portfolio' })
  @ApiOkResponse({ type: PortfolioResponse, description: 'The portfolio' })
  get(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string) {
    return this.portfolios.get(actor, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a static or dynamic portfolio' })
  @ApiCreatedResponse({ type: PortfolioResponse, description: 'The new portfolio' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePortfolioDto) {
    return this.portfolios.create(actor, dto);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update name, description or criteria (honours If-Match)' })
  @ApiOkResponse({ type: PortfolioResponse, description: 'The portfolio after the update' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Body() dto: UpdatePortfolioDto,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.portfolios.update(actor, id, dto, parseIfMatch(ifMatch));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive (soft delete; loans stay assigned, frozen)' })
  @ApiOkResponse({ type: PortfolioResponse, description: 'The archived portfolio' })
  archive(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string, @Headers('if-match') ifMatch?: string) {
    return this.portfolios.archive(actor, id, parseIfMatch(ifMatch));
  }

  @Post(':id/unarchive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unarchive: the portfolio is active again (409 when an active portfolio has taken its name)' })
  @ApiOkResponse({ type: PortfolioResponse, description: 'The active portfolio' })
  unarchive(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string) {
    return this.portfolios.unarchive(actor, id);
  }

  @Get(':id/loans')
  @ApiOperation({ summary: 'Loans in the portfolio; the /loans filters, paging and cursor apply' })
  @ApiOkResponse({ type: LoanPage, description: 'One page of the portfolio\'s loans' })
  loans(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Query() q: LoanListQuery,
    @Req() req: FastifyRequest,
  ) {
    return this.portfolios.loans(actor, id, q, req);
  }

  @Post(':id/loans')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign loans by id to a static portfolio (at most 10 000)' })
  @ApiOkResponse({ type: LoansAssignedResponse, description: 'How many loans were assigned' })
  assign(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string, @Body() dto: AssignLoansDto) {
    return this.membership.assign(actor, id, dto.loan_ids);
  }

  @Delete(':id/loans/:loanId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one loan from a static portfolio' })
  @ApiNoContentResponse({ description: 'The loan is in no portfolio now' })
  async unassign(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Param('loanId', IdOf('Loan in this portfolio')) loanId: string,
  ) {
    await this.membership.unassign(actor, id, loanId);
  }

  @Post(':id/transfer-loans')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move loans (all when loan_ids is omitted) to another portfolio, atomically' })
  @ApiOkResponse({ type: LoansTransferredResponse, description: 'How many loans moved' })
  transfer(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string, @Body() dto: TransferLoansDto) {
    return this.membership.transfer(actor, id, dto.target_portfolio_id, dto.loan_ids);
  }

  @Post(':id/auto-assign')
  @HttpCode(202)
  @ApiOperation({ summary: 'Assign every matching unassigned loan, as a job (202 with job_id and status_url)' })
  @ApiAcceptedResponse({ type: JobAcceptedResponse, description: 'The job was queued' })
  autoAssignLoans(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string) {
    return this.autoAssign.request(actor, id);
  }
}
