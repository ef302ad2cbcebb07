import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { SellPortfolioDto } from './investors.dto';
import { SalesService } from './sales.service';
import { PortfolioResponse } from '../portfolios/portfolios.responses';

@ApiTags('portfolios')
@Controller('portfolios')
export class SalesController {
  constructor(private readonly sales: SalesService) {}

  @Post(':id/sell')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sell the portfolio to an investor (admin)',
    description:
      'One transaction: one active 100 % assignment per loan at round(principal_balance × price_pct / 100, 2) half-up, ' +
      'effective on sale_date; the portfolio becomes sold (final) with sale_price = Σ purchase prices. ' +
      'Empty portfolio → 422; loans already assigned → 409 naming them; archived or sold → 409.',
  })
  @ApiOkResponse({ type: PortfolioResponse, description: 'The sold portfolio' })
  sell(@CurrentActor() actor: Actor, @Param('id', IdOf('Portfolio')) id: string, @Body() dto: SellPortfolioDto) {
    return this.sales.sell(actor, id, dto);
  }
}
