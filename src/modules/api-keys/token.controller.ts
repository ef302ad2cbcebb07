import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessTokenResponse } from './api-keys.responses';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/decorators';
import { ClientCredentialsService } from './client-credentials.service';

export const TOKEN_PATH = '/financial-partners/connect/token';

const OAUTH_ERROR = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string', enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type'] } },
};

@ApiTags('savings')
@Controller('financial-partners/connect')
export class TokenController {
  constructor(private readonly tokens: ClientCredentialsService) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OAuth 2.0 client credentials: exchange an API key (id and secret) for a short-lived Bearer token',
    description:
      'Form-encoded `grant_type=client_credentials&client_id=<API key id>&client_secret=<API key>`, or the id and key ' +
      'as HTTP Basic client authentication (RFC 6749 §2.3.1). The token carries the key\'s organization and role and ' +
      'stops working the moment the key is revoked. Errors use the OAuth format (RFC 6749 §5.2), not problem+json. ' +
      'Failed attempts count against the caller address\'s rate limit.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        client_id: { type: 'string', format: 'uuid', description: 'The API key id (omit with HTTP Basic)' },
        client_secret: { type: 'string', description: 'The API key (omit with HTTP Basic)' },
      },
    },
  })
  @ApiOkResponse({ type: AccessTokenResponse, description: 'A Bearer token' })
  @ApiResponse({ status: 400, description: 'invalid_request or unsupported_grant_type', schema: OAUTH_ERROR })
  @ApiResponse({ status: 401, description: 'invalid_client: unknown, revoked or mismatched id and key', schema: OAUTH_ERROR })
  @ApiResponse({ status: 429, description: 'Rate limited (see Retry-After)' })
  async token(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.tokens.issue(body, req.headers.authorization);
    // RFC 6749 §5.1: token responses are never cached.
    void reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    if ('token' in result) return result.token;
    void reply.status(result.error.status);
    if (result.error.status === 401) void reply.header('WWW-Authenticate', 'Basic realm="financial-partners"');
    return { error: result.error.error };
  }
}
