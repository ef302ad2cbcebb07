import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { SavingsPageQuery } from './dto/paging.dto';
import { notModified, parseIfModifiedSince } from './formatting';
import { SavingsViewsService } from './views.service';
import { ClientPortfoliosResponse, SavingsPortfolioPage } from './savings.responses';

@ApiTags('savings')
@Controller('financial-partners')
export class SavingsViewsController {
  constructor(private readonly views: SavingsViewsService) {}

  @Get('portfolios')
  @ApiOperation({ summary: 'Paged portfolios of all clients, last updated first (PageNumber 1-based, PageSize ≤ 500)' })
  @ApiOkResponse({ type: SavingsPortfolioPage, description: 'One page of portfolios' })
  page(@CurrentActor() actor: Actor, @Query() q: SavingsPageQuery) {
    return this.views.page(actor, q);
  }

  @Get('clients/:clientReference/portfolios')
  @ApiOperation({
    summary: "One client's portfolios (one per currency) with accrued and expected interest",
    description:
      'Answers `{"portfolioInformation": [{clientReference, portfolio, links}]}`. Last-Modified is the latest change ' +
      'of the client\'s portfolios (whole seconds); If-Modified-Since (HTTP-date or ISO-8601) at or after it → 304.',
  })
  @ApiOkResponse({ type: ClientPortfoliosResponse, description: "The client's portfolios" })
  @ApiNotModifiedResponse({ description: 'Nothing changed since If-Modified-Since' })
  @ApiHeader({ name: 'If-Modified-Since', required: false })
  async client(
    @CurrentActor() actor: Actor,
    @Param('clientReference') clientReference: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { lastModifiedMs, body } = await this.views.client(actor, clientReference, req.publicBase);
    void reply.header('Last-Modified', new Date(Math.floor(lastModifiedMs / 1000) * 1000).toUTCString());
    if (notModified(lastModifiedMs, parseIfModifiedSince(req.headers['if-modified-since']))) {
      void reply.status(304);
      return undefined;
    }
    return body;
  }
}
