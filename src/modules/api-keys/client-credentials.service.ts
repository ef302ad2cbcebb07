import { Inject, Injectable } from '@nestjs/common';
import { ClientCredentials, OAuthError, parseTokenRequest } from '../../common/auth/client-credentials';
import { signToken } from '../../common/auth/credentials';
import { isUuid } from '../../common/ids/uuid';
import { IdentityStore } from '../../common/auth/identity.store';
import { APP_CONFIG, AppConfig } from '../../config/env';

export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

const INVALID_CLIENT = (basic: boolean): OAuthError => ({ status: 401, error: 'invalid_client', description: 'Client authentication failed', basic });

/**
 * OAuth 2.0 client credentials over API keys: client_id is a key's id, client_secret the key.
 * The token carries the key's organization and role and names the key, which the guard checks
 * on every request, so revoking the key ends the token at once.
 */
@Injectable()
export class ClientCredentialsService {
  constructor(
    private readonly identities: IdentityStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(body: unknown, authorization: string | undefined): Promise<{ token: AccessToken } | { error: OAuthError }> {
    const parsed = parseTokenRequest(body, authorization);
    if ('error' in parsed) return parsed;
    const key = await this.verify(parsed.credentials);
    if (!key) return { error: INVALID_CLIENT(authorization !== undefined) };
    const ttl = this.config.oauthTokenTtlSeconds;
    const accessToken = signToken({ sub: `api_key:${key.id}`, org: key.org, role: key.role, apiKeyId: key.id }, this.config.jwtSecret, ttl);
    return { token: { access_token: accessToken, token_type: 'Bearer', expires_in: ttl } };
  }

  /** The secret finds a live key by its hash; the id must be that key's, or the pair is wrong. */
  private async verify({ clientId, clientSecret }: ClientCredentials) {
    if (!isUuid(clientId)) return null;
    const key = await this.identities.findApiKey(clientSecret);
    return key && key.id === clientId.toLowerCase() ? key : null;
  }
}
