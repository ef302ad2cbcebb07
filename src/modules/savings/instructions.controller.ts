import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { CloseAccountInstructionDto, DepositInstructionDto, RevertInstructionDto, WithdrawalInstructionDto } from './dto/instruction.dto';
import { InstructionListQuery } from './dto/paging.dto';
import { SavingsInstructionsService } from './instructions.service';
import { InstructionAcceptedResponse, InstructionListResponse, InstructionRevertedResponse, InstructionStatusResponse } from './savings.responses';

@ApiTags('savings')
@Controller('financial-partners')
export class SavingsInstructionsController {
  constructor(private readonly instructions: SavingsInstructionsService) {}

  @Post('instruction-requests/deposit')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Deposit into a new account (productId) or top up one (depositAccountId)',
    description: 'instructionReference is the idempotency key: the same body again → the same 202; another body → 409.',
  })
  @ApiAcceptedResponse({ type: InstructionAcceptedResponse, description: 'Accepted; settles in the next run' })
  deposit(@CurrentActor() actor: Actor, @Body() dto: DepositInstructionDto) {
    return this.instructions.request(actor, 'deposit', dto);
  }

  @Post('instruction-requests/withdraw')
  @HttpCode(202)
  @ApiOperation({ summary: 'Withdraw from an account (fixed-term only once matured; notice accounts after the notice period)' })
  @ApiAcceptedResponse({ type: InstructionAcceptedResponse, description: 'Accepted; settles in the next run' })
  withdraw(@CurrentActor() actor: Actor, @Body() dto: WithdrawalInstructionDto) {
    return this.instructions.request(actor, 'withdrawal', dto);
  }

  @Post('instruction-requests/close-account')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Close an account: at settlement its whole balance is withdrawn and its interest paid',
    description:
      'Interest accrued up to the closing day is paid rounded down to the penny; the sub-penny rest is forfeited ' +
      '(and recorded). A fixed-term account before maturity → 422 at once; a notice account closes after its notice ' +
      'period. Pending withdrawals and a close settle in the order they were accepted.',
  })
  @ApiAcceptedResponse({ type: InstructionAcceptedResponse, description: 'Accepted; settles in the next run' })
  close(@CurrentActor() actor: Actor, @Body() dto: CloseAccountInstructionDto) {
    return this.instructions.request(actor, 'close', dto);
  }

  @Post('instruction-requests/revert')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Revert (cancel) a pending instruction → {instructionReference, status: "Reverted"}',
    description: 'Effective at once: the instruction leaves the pending items and its portfolio version moves by one. ' +
      'Reverting again answers the same; a processed or rejected instruction → 409; unknown → 404.',
  })
  @ApiAcceptedResponse({ type: InstructionRevertedResponse, description: 'Reverted: it no longer settles' })
  revert(@CurrentActor() actor: Actor, @Body() dto: RevertInstructionDto) {
    return this.instructions.revert(actor, dto.instructionReference);
  }

  @Get('instruction-requests/status/:instructionReference')
  @ApiOperation({ summary: "An instruction's status: Created, Processed, Rejected (with a reason) or Reverted" })
  @ApiOkResponse({ type: InstructionStatusResponse, description: 'The instruction status' })
  status(@CurrentActor() actor: Actor, @Param('instructionReference') reference: string) {
    return this.instructions.status(actor, reference);
  }

  @Get('instructions')
  @ApiOperation({ summary: "Instructions, newest first, filtered by clientReference and status (pending = Created)" })
  @ApiOkResponse({ type: InstructionListResponse, description: 'One page of instructions' })
  list(@CurrentActor() actor: Actor, @Query() q: InstructionListQuery) {
    return this.instructions.list(actor, q);
  }
}
