import { Body, Controller, Get, Headers, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { parseIfMatch } from '../../common/versioning/versioning';
import { AssignmentQuery, CreateAssignmentDto, UpdateAssignmentDto } from './investors.dto';
import { AssignmentsService } from './assignments.service';
import { LoanAssignmentPage, LoanAssignmentResponse } from './investors.responses';

@ApiTags('investors')
@Controller()
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get('investors/:id/loan-assignments')
  @ApiOperation({ summary: "List an investor's loan assignments (filters: status, loan_id)" })
  @ApiOkResponse({ type: LoanAssignmentPage, description: 'One page of assignments' })
  list(@CurrentActor() actor: Actor, @Param('id', IdOf('Investor')) id: string, @Query() q: AssignmentQuery, @Req() req: FastifyRequest) {
    return this.assignments.list(actor, id, q, req);
  }

  @Post('investors/:id/loan-assignments')
  @ApiOperation({
    summary: 'Assign a share of a loan to the investor (admin)',
    description: 'Active ownership of a loan never exceeds 100 % (409). purchase_price defaults to the share of the balance at par, effective_date to today.',
  })
  @ApiCreatedResponse({ type: LoanAssignmentResponse, description: 'The new assignment' })
  create(@CurrentActor() actor: Actor, @Param('id', IdOf('Investor')) id: string, @Body() dto: CreateAssignmentDto) {
    return this.assignments.create(actor, id, dto);
  }

  @Get('loan-assignments/:id')
  @ApiOperation({ summary: 'Get a loan assignment' })
  @ApiOkResponse({ type: LoanAssignmentResponse, description: 'The assignment' })
  get(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan assignment')) id: string) {
    return this.assignments.get(actor, id);
  }

  @Put('loan-assignments/:id')
  @ApiOperation({ summary: 'Update ownership, price, date or instrument; status "terminated" ends it for good (admin)' })
  @ApiOkResponse({ type: LoanAssignmentResponse, description: 'The assignment after the update' })
  update(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan assignment')) id: string, @Body() dto: UpdateAssignmentDto, @Headers('if-match') ifMatch?: string) {
    return this.assignments.update(actor, id, dto, parseIfMatch(ifMatch));
  }
}
