import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { SAVINGS_ID } from '../savings-id';
import { IsSavingsAmount } from './decimal-input';

/** Ids are numeric strings; a caller that sends the number itself is understood too. */
const idText = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Names an instruction; on its own, the body of a revert. */
export class RevertInstructionDto {
  @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9-]+$/, { message: 'instructionReference must be a GUID' })
  instructionReference: string;
}

class ClientInstruction extends RevertInstructionDto {
  @IsString() @Length(1, 100)
  clientReference: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-01-15T09:00:00Z', description: 'When the instruction is to be actioned (ISO-8601 with an offset)' })
  @IsOptional() @IsString() @Matches(ISO_TIMESTAMP, { message: 'dateToBeActionedUTC must be an ISO-8601 timestamp with an offset' })
  dateToBeActionedUTC?: string;
}

/** Closing takes no amount or currency: it withdraws whatever the balance is at settlement. */
export class CloseAccountInstructionDto extends ClientInstruction {
  @Transform(idText) @IsString() @Matches(SAVINGS_ID, { message: 'depositAccountId must be a numeric string' })
  depositAccountId: string;
}

export class InstructionBase extends ClientInstruction {
  @IsString() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode must be an ISO-4217 code such as GBP' })
  currencyCode: string;

  @IsSavingsAmount()
  amount: number | string;
}

/** A deposit names a product (a new account) or a deposit account (a top-up), not both. */
export class DepositInstructionDto extends InstructionBase {
  @ValidateIf((o: DepositInstructionDto) => o.depositAccountId === undefined || o.productId !== undefined)
  @IsNotEmpty({ message: 'productId or depositAccountId is required' })
  @Transform(idText) @IsString() @Matches(SAVINGS_ID, { message: 'productId must be a numeric string' })
  productId?: string;

  @ValidateIf((o: DepositInstructionDto) => o.productId === undefined || o.depositAccountId !== undefined)
  @IsNotEmpty({ message: 'productId or depositAccountId is required' })
  @Transform(idText) @IsString() @Matches(SAVINGS_ID, { message: 'depositAccountId must be a numeric string' })
  depositAccountId?: string;
}

export class WithdrawalInstructionDto extends InstructionBase {
  @Transform(idText) @IsString() @Matches(SAVINGS_ID, { message: 'depositAccountId must be a numeric string' })
  depositAccountId: string;
}
