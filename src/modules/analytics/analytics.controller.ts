import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { MonthRangeQuery } from './analytics.dto';
import { PerformanceResponse, TransitionsResponse } from './analytics.responses';
import { AnalyticsService } from './analytics.service';
import { monthRange } from './month-range';

@ApiTags('analytics')
@Controller('portfolios')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get(':id/performance')
  @ApiOperation({
    summary: 'Performance series (§11): one point per calendar month-end with a non-empty pool, oldest first',
    description: 'from/to are YYYY-MM, inclusive; default the last 12 months up to this one; from after to or over 120 months → 400.',
  })
  @ApiOkResponse({ type: PerformanceResponse, description: 'Pool figures per month-end' })
  performance(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Query() q: MonthRangeQuery) {
    return this.analytics.performance(actor, id, monthRange(q));
  }

  @Get(':id/transitions')
  @ApiOperation({
    summary: 'Transition matrices (§11) between consecutive month-ends in the range: counts, balances and roll rates',
    description: 'Same range rules as /performance. Loans observed at both month-ends only; balances are the earlier month-end’s.',
  })
  @ApiOkResponse({ type: TransitionsResponse, description: 'One period per pair of consecutive months' })
  transitions(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Query() q: MonthRangeQuery) {
    return this.analytics.transitions(actor, id, monthRange(q));
  }
}
