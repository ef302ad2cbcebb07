import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { SavingsRunsService } from './runs.service';

@ApiTags('savings')
@Controller('financial-partners')
export class SavingsRunsController {
  constructor(private readonly runs: SavingsRunsService) {}

  @Post('instruction-batches/process')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run settlement now (also scheduled daily): processes due instructions oldest first → {jobId, statusUrl}' })
  settle(@CurrentActor() actor: Actor) {
    return this.runs.requestSettlement(actor);
  }

  @Post('interest-accruals/process')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run interest accrual now (also scheduled daily) → {jobId, statusUrl}',
    description: 'Accrues every complete day (before today, UTC) not yet accrued, pays interest due and matures accounts.',
  })
  accrue(@CurrentActor() actor: Actor) {
    return this.runs.requestAccrual(actor);
  }
}
