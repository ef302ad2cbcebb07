import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { SavingsRunsService } from './runs.service';
import { SavingsJobAcceptedResponse } from './savings.responses';

@ApiTags('savings')
@Controller('financial-partners')
export class SavingsRunsController {
  constructor(private readonly runs: SavingsRunsService) {}

  @Post('instruction-batches/process')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run settlement now (also scheduled daily): processes due instructions oldest first → {jobId, statusUrl}' })
  @ApiAcceptedResponse({ type: SavingsJobAcceptedResponse, description: 'The settlement job was queued' })
  settle(@CurrentActor() actor: Actor) {
    return this.runs.requestSettlement(actor);
  }

  @Post('interest-accruals/process')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run interest accrual now (also scheduled daily) → {jobId, statusUrl}',
    description: 'Accrues every complete day (before today, UTC) not yet accrued, pays interest due and matures accounts.',
  })
  @ApiAcceptedResponse({ type: SavingsJobAcceptedResponse, description: 'The accrual job was queued' })
  accrue(@CurrentActor() actor: Actor) {
    return this.runs.requestAccrual(actor);
  }
}
