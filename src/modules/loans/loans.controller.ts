import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { csvBody } from './import/csv-import';
import { parseIfMatch } from '../../common/versioning/versioning';
import { LoanImportService } from './import/loan-import.service';
import { CreateLoanDto, UpdateLoanDto } from './loans.dto';
import { LoanListQuery } from './loan-filters';
import { LoansService } from './loans.service';
import { LoanImportResponse, LoanPage, LoanResponse } from './loans.responses';


@ApiTags('loans')
@Controller('loans')
export class LoansController {
  constructor(
    private readonly loans: LoansService,
    private readonly imports: LoanImportService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List loans, filtered; ordered by loan_number',
    description:
      'Page mode: ?page=&page_size= with count/next/previous. Keyset mode: start with ?cursor= (empty) and follow `next`; ' +
      'count is null there. status and delinquency_bucket take comma-separated lists. unassigned=false lists loans in any portfolio.',
  })
  @ApiOkResponse({ type: LoanPage, description: 'One page of loans' })
  list(@CurrentActor() actor: Actor, @Query() q: LoanListQuery, @Req() req: FastifyRequest) {
    return this.loans.list(actor, q, req);
  }

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({
    summary: 'Bulk upsert by loan_number from a text/csv body (streamed; all or nothing)',
    description:
      'Header names loan fields; required: loan_number, borrower_name, program_id, origination_date, original_principal, ' +
      'principal_balance, interest_rate, term_months. A column the file lacks keeps its stored value on update; empty ' +
      'optional cells take the table default (currency USD, status active, days_past_due 0, dates null). ' +
      '200 {inserted, updated}; 422 with up to 100 {line, field, message} (also for invalid UTF-8, a line or record ' +
      'over IMPORT_MAX_RECORD_BYTES, more than 64 columns, an origination_date before 1900-01-01); 408 when the body ' +
      'stalls; 413 over IMPORT_MAX_BYTES; 429 with Retry-After past IMPORT_MAX_CONCURRENT_PER_ORG imports at once.',
  })
  @ApiOkResponse({ type: LoanImportResponse, description: 'Every row was written' })
  import(@CurrentActor() actor: Actor, @Req() req: FastifyRequest) {
    return this.imports.import(actor, csvBody(req), req.headers['content-length']);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a loan' })
  @ApiOkResponse({ type: LoanResponse, description: 'The loan' })
  get(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan')) id: string) {
    return this.loans.get(actor, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create one loan (409 when the loan_number exists; 422 when paid_off with a balance or dpd)' })
  @ApiCreatedResponse({ type: LoanResponse, description: 'The new loan' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateLoanDto) {
    return this.loans.create(actor, dto);
  }

  @Put(':id')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version from ETag; 412 when it is not current' })
  @ApiOperation({ summary: 'Partial servicing update; portfolio_id and loan_number are not writable here' })
  @ApiOkResponse({ type: LoanResponse, description: 'The loan after the update' })
  update(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan')) id: string, @Body() dto: UpdateLoanDto, @Req() req: FastifyRequest) {
    return this.loans.update(actor, id, dto, parseIfMatch(req.headers['if-match']));
  }
}
