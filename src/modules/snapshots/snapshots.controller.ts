import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXPORT_MEDIA_TYPES, exportFormat } from '../../common/export/export-format';
import { exportAnswer } from '../../common/export/export-response';
import { snapshotsTable, vintageSheets, vintagesTable } from './snapshot-exports';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { csvBody } from '../loans/import/csv-import';
import { HistoryImportService } from './history/history-import.service';
import { LoanSnapshotsService } from './loan-snapshots.service';
import { SnapshotRunService } from './snapshot-run.service';
import { CreateSnapshotDto, LoanSnapshotQuery, SnapshotListQuery, SnapshotRunDto, VintageQuery } from './snapshots.dto';
import { SnapshotsService } from './snapshots.service';
import { VintagesService } from './vintages.service';
import { JobAcceptedResponse } from '../../common/openapi/properties';
import { HistoryImportResponse, LoanSnapshotPage, PortfolioSnapshotPage, PortfolioSnapshotResponse, VintageAnalysisResponse } from './snapshots.responses';

@ApiTags('snapshots')
@Controller('portfolios')
export class PortfolioSnapshotsController {
  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly vintages: VintagesService,
  ) {}

  @Get(':id/snapshots')
  @ApiProduces(...EXPORT_MEDIA_TYPES)
  @ApiOperation({
    summary: "A portfolio's daily snapshots, newest first (date_from, date_to inclusive)",
    description: 'CSV or XLSX (Accept or ?format=) carry every snapshot in the date range in one file, one row each; paging applies to JSON only.',
  })
  @ApiOkResponse({ type: PortfolioSnapshotPage, description: 'One page of snapshots (JSON), or every snapshot in the range (CSV, XLSX)' })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Query() q: SnapshotListQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const format = exportFormat(q.format, req.headers.accept);
    if (format === 'json') {
      void reply.header('Vary', 'Accept');
      return this.snapshots.list(actor, id, q, req);
    }
    const all = await this.snapshots.listAll(actor, id, q);
    return exportAnswer(reply, format, `snapshots-${id}`, { json: all, table: () => snapshotsTable(all) });
  }

  @Post(':id/snapshots')
  @ApiOperation({
    summary: "Compute (or recompute and replace) the portfolio's snapshot for a date (default today, UTC); " +
      "a past date is computed from that day's loan snapshots (422 if there are none), a future date is 422",
  })
  @ApiCreatedResponse({ type: PortfolioSnapshotResponse, description: 'The computed snapshot' })
  create(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string, @Body() dto: CreateSnapshotDto) {
    return this.snapshots.create(actor, id, dto.snapshot_date);
  }

  @Get(':id/vintages')
  @ApiProduces(...EXPORT_MEDIA_TYPES)
  @ApiOperation({
    summary: 'Vintage analysis: one cohort per origination month or quarter, with curves from month-end loan snapshots ' +
      '(the current, unfinished month counts with its latest snapshot)',
    description: 'Curve points carry the §4 ratios and the §11 smm, cpr, mdr, cdr, dpd_60/90_plus_rate and cumulative_net_loss_rate; ' +
      '?basis=calendar keys them by month (YYYY-MM) instead of months_on_book. CSV: one row per cohort and point; XLSX: that table ' +
      'first, then a cohorts sheet, then one sheet per metric with cohorts as rows and months on book (or months) as columns.',
  })
  @ApiOkResponse({ type: VintageAnalysisResponse, description: 'Cohorts with their curves' })
  async vintagesOf(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Query() q: VintageQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.vintages.get(actor, id, q.period, q.basis);
    return exportAnswer(reply, exportFormat(q.format, req.headers.accept), `vintages-${id}`, {
      json: answer,
      table: () => vintagesTable(answer.vintages, q.basis),
      sheets: () => vintageSheets(answer.vintages, q.basis),
    });
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
  @ApiOkResponse({ type: LoanSnapshotPage, description: 'One page of loan snapshots' })
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
  @ApiOkResponse({ type: HistoryImportResponse, description: 'Imported; the job recomputes the portfolio snapshots of the imported dates' })
  importHistory(@CurrentActor() actor: Actor, @Req() req: FastifyRequest) {
    return this.history.import(actor, csvBody(req), req.headers['content-length']);
  }

  @Post('snapshot-runs')
  @HttpCode(202)
  @ApiOperation({ summary: "Run today's snapshot (every loan, every active or sold portfolio) as a job; only today's date (admin)" })
  @ApiAcceptedResponse({ type: JobAcceptedResponse, description: 'The snapshot job was queued' })
  run(@CurrentActor() actor: Actor, @Body() dto: SnapshotRunDto) {
    return this.runs.request(actor, dto.snapshot_date);
  }
}
