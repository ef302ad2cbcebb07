import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { parseIfMatch } from '../../common/versioning/versioning';
import { TapeConfigsService } from './configs.service';
import { CreateTapeConfigDto, GenerateTapeDto, ListConfigsQuery, ListTapesQuery, UpdateTapeConfigDto } from './loan-tapes.dto';
import { catalogView } from './tape-columns';
import { TapesService } from './tapes.service';
import { TAPE_MEDIA_TYPES, TapeAcceptedResponse, TapeColumnResponse, TapeConfigPage, TapeConfigResponse, TapePage, TapeResponse } from './loan-tapes.responses';

@ApiTags('loan-tapes')
@Controller()
export class LoanTapesController {
  constructor(
    private readonly configs: TapeConfigsService,
    private readonly tapes: TapesService,
  ) {}

  @Get('loan-tape-columns')
  @ApiOperation({ summary: 'The column catalog: every name a config may list, with its type and description' })
  @ApiOkResponse({ type: TapeColumnResponse, isArray: true, description: 'The catalog, in catalog order' })
  columns() {
    return catalogView();
  }

  @Get('loan-tape-configs')
  @ApiOperation({ summary: 'List tape configs (filter: is_active)' })
  @ApiOkResponse({ type: TapeConfigPage, description: 'One page of configs' })
  listConfigs(@CurrentActor() actor: Actor, @Query() q: ListConfigsQuery, @Req() req: FastifyRequest) {
    return this.configs.list(actor, q, req);
  }

  @Get('loan-tape-configs/:id')
  @ApiOperation({ summary: 'Get a tape config' })
  @ApiOkResponse({ type: TapeConfigResponse, description: 'The config' })
  getConfig(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan tape config')) id: string) {
    return this.configs.get(actor, id);
  }

  @Post('loan-tape-configs')
  @ApiOperation({
    summary: 'Create a tape config',
    description:
      'columns: catalog names in output order (unknown → 400 listing the valid ones). format defaults to csv. ' +
      'schedule none|daily|weekly|monthly runs at schedule_hour UTC (default 6): weekly on Mondays, monthly on the 1st. ' +
      "portfolio_id not in the caller's organization → 422.",
  })
  @ApiCreatedResponse({ type: TapeConfigResponse, description: 'The new config' })
  createConfig(@CurrentActor() actor: Actor, @Body() dto: CreateTapeConfigDto) {
    return this.configs.create(actor, dto);
  }

  @Put('loan-tape-configs/:id')
  @ApiOperation({ summary: 'Partial update (honours If-Match); schedule changes take effect at once' })
  @ApiOkResponse({ type: TapeConfigResponse, description: 'The config after the update' })
  updateConfig(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Loan tape config')) id: string,
    @Body() dto: UpdateTapeConfigDto,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.configs.update(actor, id, dto, parseIfMatch(ifMatch));
  }

  @Post('loan-tape-configs/:id/generate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Generate a tape as a job → 202 {tape_id, job_id, status_url}',
    description:
      "as_of_date defaults to today (UTC) and reads live loans; a past date reads that date's loan snapshots " +
      '(422 when there are none); a future date → 422; an inactive config → 409. The tape goes queued → running → ' +
      'completed | failed (failed_reason). Values: money 2 dp, rates as decimals, dates YYYY-MM-DD, empty for null ' +
      "(null in JSON Lines), text starting with = + - @, a tab, a carriage return or full-width ＝＋－＠ prefixed with '. " +
      'A request for the same config and as_of_date while a tape is still queued returns that tape and job (202).',
  })
  @ApiAcceptedResponse({ type: TapeAcceptedResponse, description: 'The tape is queued' })
  generate(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan tape config')) id: string, @Body() dto: GenerateTapeDto) {
    return this.tapes.requestGenerate(actor, id, dto.as_of_date);
  }

  @Get('loan-tapes')
  @ApiOperation({ summary: 'List generated tapes, newest first (filters: config_id, status)' })
  @ApiOkResponse({ type: TapePage, description: 'One page of tapes' })
  listTapes(@CurrentActor() actor: Actor, @Query() q: ListTapesQuery, @Req() req: FastifyRequest) {
    return this.tapes.list(actor, q, req);
  }

  @Get('loan-tapes/:id')
  @ApiOperation({ summary: "Get a tape: its state, and once completed its size, checksum and download_url" })
  @ApiOkResponse({ type: TapeResponse, description: 'The tape' })
  getTape(@CurrentActor() actor: Actor, @Param('id', IdOf('Loan tape')) id: string) {
    return this.tapes.get(actor, id);
  }

  @Get('loan-tapes/:id/download')
  @ApiOperation({ summary: 'The completed tape file, streamed (409 until completed)' })
  @ApiProduces(...TAPE_MEDIA_TYPES)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The file (Content-Disposition: attachment)' })
  async download(
    @CurrentActor() actor: Actor,
    @Param('id', IdOf('Loan tape')) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.tapes.download(actor, id);
    void reply.header('Cache-Control', 'private, no-store');
    return new StreamableFile(file.stream, {
      type: file.type,
      disposition: `attachment; filename="${file.fileName}"`,
      length: file.size,
    });
  }
}
