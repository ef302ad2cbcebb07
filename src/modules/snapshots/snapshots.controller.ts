import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { csvBody } from '../loans/import/csv-import';
import { HistoryImportService } from './history/history-import.service';
import { LoanSnapshotsService } from './loan-snapshots.service';
import { SnapshotRunService } from './snapshot-run.service';
import { CreateSnapshotDto, LoanSnapshotQuery, SnapshotListQuery, SnapshotRunDto, VintageQuery } from './snapshots.dto';
import { SnapshotsService } from './snapshots.service';
import { VintagesService } from './vintages.service';

@ApiTags('snapshots')
@Controller('portfolios')
export class PortfolioSnapshotsController {
  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly vintages: VintagesService,
  ) {}

  @Get(':id/snapshots')
  @ApiOperation({ summary: "A portfolio's daily snapshots, newest first (date_from, date_to inclusive)" })
  list(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Query() q: SnapshotListQuery, @Req() req: FastifyRequest) {
    return this.snapshots.list(actor, id, q, req);
  }

  @Post(':id/snapshots')
  @ApiOperation({
    summary: "Compute (or recompute and replace) the portfolio's snapshot for a date (default today, UTC); " +
      "a past date is computed from that day's loan snapshots (422 if there are none), a future date is 422",
  })
  create(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: CreateSnapshotDto) {
    return this.snapshots.create(actor, id, dto.snapshot_date);
  }

  @Get(':id/vintages')
  @ApiOperation({
    summary: 'Vintage analysis: one cohort per origination month or quarter, with curves from month-end loan snapshots ' +
      '(the current, unfinished month counts with its latest snapshot)',
  })
  vintagesOf(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Query() q: VintageQuery) {
    return this.vintages.get(actor, id, q.period, q.basis);
  }
}

@ApiTags('snapshots')
@Controller()
export class LoanSnapshotsController {
  constructor(
    private readonly loanSnapshots: LoanSnapshotsService,
    private readonly runs: SnapshotRunService,
    private readonly history: HistoryImportService,
  ) {}

  @Get('loan-snapshots')
  @ApiOperation({
    summary: 'Point-in-time loan states, newest date first. Pass cursor= (empty for the first page) for keyset paging; count is then null',
  })
  list(@CurrentActor() actor: Actor, @Query() q: LoanSnapshotQuery, @Req() req: FastifyRequest) {
    return this.loanSnapshots.list(actor, q, req);
  }

  @Post('loan-snapshots/import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({
    summary: 'History import: past loan states from a text/csv body (streamed; all or nothing), then a job recomputes the portfolio snapshots of the imported dates',
    description:
      'Columns: loan_number, snapshot_date, principal_balance, days_past_due, status (required); interest_rate, term_months, ' +
      'original_principal, next_payment_date, charged_off_amount, recovered_amount (optional: empty or absent takes the loan’s ' +
      'current rate, term and original principal, a null next_payment_date and 0.00). Dates must be before today (UTC) and not ' +
      'before the loan’s origination; loan and date at most once per file; a stored loan and date is replaced whole. ' +
      '200 {imported, dates, job_id, status_url}; 422 with up to 100 {line, field, message}.',
  })
  importHistory(@CurrentActor() actor: Actor, @Req() req: FastifyRequest) {
    return this.history.import(actor, csvBody(req), req.headers['content-length']);
  }

  @Post('snapshot-runs')
  @HttpCode(202)
  @ApiOperation({ summary: "Run today's snapshot (every loan, every active or sold portfolio) as a job; only today's date (admin)" })
  run(@CurrentActor() actor: Actor, @Body() dto: SnapshotRunDto) {
    return this.runs.request(actor, dto.snapshot_date);
  }
}
