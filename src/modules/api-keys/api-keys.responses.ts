import { Int, DateTime, OneOf, PageOf, Text, Uuid } from '../../common/openapi/properties';
import { ROLES } from '../../common/auth/actor';

export class ApiKeyCreatedResponse {
  @Uuid() id: string;
  @Text({ example: 'partner-integration' }) name: string;
  @OneOf(ROLES) role: string;
  @Text({
    nullable: true,
    description: 'The key itself: shown only in this response; send it as X-API-Key (or cdpapi-Subscription-Key). null on an idempotent replay (the key is never stored)',
  })
  key: string | null;
  @DateTime() created_at: string;
}

export class ApiKeyResponse {
  @Uuid() id: string;
  @Text() name: string;
  @OneOf(ROLES) role: string;
  @Text({ description: 'The first characters of the key, to recognise it' }) key_prefix: string;
  @Text({ description: 'Subject of whoever created it' }) created_by: string;
  @DateTime() created_at: string;
  @DateTime({ nullable: true }) revoked_at: string | null;
}

export class ApiKeyPage extends PageOf(ApiKeyResponse) {}

/** RFC 6749 §5.1, for `POST /financial-partners/connect/token`. */
export class AccessTokenResponse {
  @Text({ description: 'A Bearer token carrying the API key\'s organization and role; dies with the key' }) access_token: string;
  @OneOf(['Bearer']) token_type: string;
  @Int({ example: 3600, description: 'Seconds until it expires (OAUTH_TOKEN_TTL_SECONDS)' }) expires_in: number;
}
