import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { LoanSnapshotsService } from './loan-snapshots.service';
import { SnapshotRunService } from './snapshot-run.service';
import { CreateSnapshotDto, LoanSnapshotQuery, SnapshotListQuery, SnapshotRunDto, VintageQuery } from './snapshots.dto';
import { SnapshotsService } from './snapshots.service';
import { VintagesService } from './vintages.service';
import { JobAcceptedResponse } from '../../common/openapi/properties';
import { LoanSnapshotPage, PortfolioSnapshotPage, PortfolioSnapshotResponse, VintageAnalysisResponse } from './snapshots.responses';

@ApiTags('snapshots')
@Controller('portfolios')
export class PortfolioSnapshotsController {
  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly vintages: VintagesService,
  ) {}

  @Get(':id/snapshots')
  @ApiOperation({ summary: "A portfolio's daily snapshots, newest first (date_from, date_to inclusive)" })
  @ApiOkResponse({ type: PortfolioSnapshotPage, description: 'One page of snapshots' })
  list(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Query() q: SnapshotListQuery, @Req() req: FastifyRequest) {
    return this.snapshots.list(actor, id, q, req);
  }

  @Post(':id/snapshots')
  @ApiOperation({
    summary: "Compute (or recompute and replace) the portfolio's snapshot for a date (default today, UTC); " +
      "a past date is computed from that day's loan snapshots (422 if there are none), a future date is 422",
  })
  @ApiCreatedResponse({ type: PortfolioSnapshotResponse, description: 'The computed snapshot' })
  create(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: CreateSnapshotDto) {
    return this.snapshots.create(actor, id, dto.snapshot_date);
  }

  @Get(':id/vintages')
  @ApiOperation({
    summary: 'Vintage analysis: one cohort per origination month or quarter, with curves from month-end loan snapshots ' +
      '(the current, unfinished month counts with its latest snapshot)',
  })
  @ApiOkResponse({ type: VintageAnalysisResponse, description: 'Cohorts with their curves' })
  vintagesOf(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Query() q: VintageQuery) {
    return this.vintages.get(actor, id, q.period);
  }
}

@ApiTags('snapshots')
@Controller()
export class LoanSnapshotsController {
  constructor(
    private readonly loanSnapshots: LoanSnapshotsService,
    private readonly runs: SnapshotRunService,
  ) {}

  @Get('loan-snapshots')
  @ApiOperation({
    summary: 'Point-in-time loan states, newest date first. Pass cursor= (empty for the first page) for keyset paging; count is then null',
  })
  @ApiOkResponse({ type: LoanSnapshotPage, description: 'One page of loan snapshots' })
  list(@CurrentActor() actor: Actor, @Query() q: LoanSnapshotQuery, @Req() req: FastifyRequest) {
    return this.loanSnapshots.list(actor, q, req);
  }

  @Post('snapshot-runs')
  @HttpCode(202)
  @ApiOperation({ summary: "Run today's snapshot (every loan, every active or sold portfolio) as a job; only today's date (admin)" })
  @ApiAcceptedResponse({ type: JobAcceptedResponse, description: 'The snapshot job was queued' })
  run(@CurrentActor() actor: Actor, @Body() dto: SnapshotRunDto) {
    return this.runs.request(actor, dto.snapshot_date);
  }
}
