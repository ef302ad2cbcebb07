import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min,
} from 'class-validator';
import { IsIsoDate } from '../../common/money/validators';
import { PageQuery, toBool } from '../../common/pagination/pagination';
import { COLUMN_NAMES } from './tape-columns';
import { DEFAULT_SCHEDULE_HOUR, TAPE_FORMATS, TAPE_SCHEDULES, TapeFormat, TapeSchedule } from './tape-rules';
import { AnyOf } from '../../common/pagination/list-filter';
import { Omittable } from '../../common/validation/omittable';

const COLUMNS_DOC = `Catalog names (GET /loan-tape-columns), in output order, at least one, no repeats. Valid: ${COLUMN_NAMES.join(', ')}`;

export class CreateTapeConfigDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;

  @ApiPropertyOptional({ description: 'The portfolio the tape covers; omitted or null, every loan of the organization' })
  @IsOptional() @IsUUID('all') portfolio_id?: string | null;

  @ApiPropertyOptional({ enum: TAPE_FORMATS, default: 'csv', description: 'json means JSON Lines' })
  @Omittable() @IsIn(TAPE_FORMATS) format?: TapeFormat;

  @ApiProperty({ description: COLUMNS_DOC, type: [String] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsString({ each: true }) columns: string[];

  @ApiPropertyOptional({ enum: TAPE_SCHEDULES, default: 'none', description: 'UTC: daily; weekly on Mondays; monthly on the 1st' })
  @Omittable() @IsIn(TAPE_SCHEDULES) schedule?: TapeSchedule;

  @ApiPropertyOptional({ minimum: 0, maximum: 23, default: DEFAULT_SCHEDULE_HOUR, description: 'Hour (UTC) a scheduled tape is generated' })
  @Omittable() @IsInt() @Min(0) @Max(23) schedule_hour?: number;

  @ApiPropertyOptional({ default: true, description: 'Inactive configs keep their tapes but neither schedule nor generate' })
  @Omittable() @IsBoolean() is_active?: boolean;
}

export class UpdateTapeConfigDto {
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID('all') portfolio_id?: string | null;
  @ApiPropertyOptional({ enum: TAPE_FORMATS }) @Omittable() @IsIn(TAPE_FORMATS) format?: TapeFormat;
  @ApiPropertyOptional({ description: COLUMNS_DOC, type: [String] })
  @Omittable() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsString({ each: true }) columns?: string[];
  @ApiPropertyOptional({ enum: TAPE_SCHEDULES }) @Omittable() @IsIn(TAPE_SCHEDULES) schedule?: TapeSchedule;
  @ApiPropertyOptional({ minimum: 0, maximum: 23 }) @Omittable() @IsInt() @Min(0) @Max(23) schedule_hour?: number;
  @ApiPropertyOptional() @Omittable() @IsBoolean() is_active?: boolean;
}

export class GenerateTapeDto {
  @ApiPropertyOptional({
    description:
      'Default today (UTC), which reads live loans. A past date reads that date\'s loan snapshots (422 when there are none); a future date → 422.',
  })
  @IsOptional() @IsIsoDate() as_of_date?: string;
}

export class ListTapesQuery extends PageQuery {
  @IsOptional() @IsUUID('all') config_id?: string;
  @AnyOf(['queued', 'running', 'completed', 'failed']) status?: string[];
}

export class ListConfigsQuery extends PageQuery {
  @IsOptional() @Transform(toBool) @IsBoolean() is_active?: boolean;
}
