import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { EXPORT_MEDIA_TYPES, exportFormat } from '../../common/export/export-format';
import { exportAnswer } from '../../common/export/export-response';
import { performanceTable, transitionsTable } from './analytics-exports';
import { MonthRangeQuery } from './analytics.dto';
import { PerformanceResponse, TransitionsResponse } from './analytics.responses';
import { AnalyticsService } from './analytics.service';
import { monthRange } from './month-range';

@ApiTags('analytics')
@Controller('portfolios')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get(':id/performance')
  @ApiProduces(...EXPORT_MEDIA_TYPES)
  @ApiOperation({
    summary: 'Performance series (§11): one point per calendar month-end with a non-empty pool, oldest first',
    description: 'from/to are YYYY-MM, inclusive; default the last 12 months up to this one; from after to or over 120 months → 400.',
  })
  @ApiOkResponse({ type: PerformanceResponse, description: 'Pool figures per month-end (CSV or XLSX with Accept or ?format=: one row per point)' })
  async performance(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Query() q: MonthRangeQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.analytics.performance(actor, id, monthRange(q));
    return exportAnswer(reply, exportFormat(q.format, req.headers.accept), `performance-${id}`, { json: answer, table: () => performanceTable(answer.points) });
  }

  @Get(':id/transitions')
  @ApiProduces(...EXPORT_MEDIA_TYPES)
  @ApiOperation({
    summary: 'Transition matrices (§11) between consecutive month-ends in the range: counts, balances and roll rates',
    description: 'Same range rules as /performance. Loans observed at both month-ends only; balances are the earlier month-end’s.',
  })
  @ApiOkResponse({ type: TransitionsResponse, description: 'One period per pair of consecutive months' })
  async transitions(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Portfolio')) id: string,
    @Query() q: MonthRangeQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.analytics.transitions(actor, id, monthRange(q));
    return exportAnswer(reply, exportFormat(q.format, req.headers.accept), `transitions-${id}`, { json: answer, table: () => transitionsTable(answer.periods) });
  }
}
