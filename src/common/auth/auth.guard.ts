import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { forbidden, unauthorized } from '../errors/common.errors';
import { Actor, Role, roleAtLeast } from './actor';
import { verifyToken } from './credentials';
import { AuthedRequest, MIN_ROLE_KEY, PUBLIC_KEY } from './decorators';
import { IdentityStore, KeyIdentity } from './identity.store';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs credentials unless marked @Public. Reads need viewer,
 * writes need admin, unless the route names another minimum with @MinRole.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly identified = new WeakMap<AuthedRequest, Promise<Actor | null>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly identities: IdentityStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const actor = await this.identify(req);
    if (!actor) throw unauthorized();
    req.actor = actor;
    await this.identities.rememberOrganization(actor.org);
    const min =
      this.reflector.getAllAndOverride<Role>(MIN_ROLE_KEY, targets) ?? (READ_METHODS.has(req.method) ? 'viewer' : 'admin');
    if (!roleAtLeast(actor.role, min)) throw forbidden(`This action needs the ${min} role or above`);
    return true;
  }

  /**
   * Who the credentials name, worked out once per request: the rate limiter asks first (to key
   * the caller's budget) and the guard reuses the answer, so a token is verified once.
   */
  identify(req: AuthedRequest): Promise<Actor | null> {
    let known = this.identified.get(req);
    if (!known) {
      known = this.authenticate(req);
      this.identified.set(req, known);
    }
    return known;
  }

  /**
   * A Bearer token or an API key. With REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN the savings routes
   * demand both, as Flagstone does: a valid key and a valid token of one organization.
   */
  private async authenticate(req: AuthedRequest): Promise<Actor | null> {
    const auth = req.headers.authorization;
    const hasAuth = typeof auth === 'string' && auth.length > 0;
    const key = this.apiKeyHeader(req);
    if (this.config.requireSubscriptionKeyAndToken && isSavingsRoute(req)) {
      if (!hasAuth || key === undefined) return null;
      const [byToken, byKey] = await Promise.all([this.fromBearer(req, auth), this.fromApiKey(req, key)]);
      return byToken && byKey && byToken.org === byKey.org ? byToken : null;
    }
    if (hasAuth) return this.fromBearer(req, auth);
    return key === undefined ? null : this.fromApiKey(req, key);
  }

  private async fromBearer(req: AuthedRequest, auth: string): Promise<Actor | null> {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return null;
    const claims = verifyToken(m[1], this.config.jwtSecret, { maxTtlSeconds: this.config.jwtMaxTtlSeconds });
    if (!claims) return null;
    if (claims.apiKeyId === undefined) {
      return { org: claims.org, subject: claims.sub, role: claims.role, type: 'jwt', requestId: String(req.id) };
    }
    // A client-credentials token lives only as long as its key: looked up on every request.
    const id = await this.identities.findApiKeyById(claims.apiKeyId);
    return id && id.org === claims.org ? this.keyActor(req, id) : null;
  }

  private async fromApiKey(req: AuthedRequest, key: string): Promise<Actor | null> {
    const id = await this.identities.findApiKey(key);
    return id ? this.keyActor(req, id) : null;
  }

  private keyActor(req: AuthedRequest, id: KeyIdentity): Actor {
    return { org: id.org, subject: `api_key:${id.id}`, role: id.role, type: 'api_key', apiKeyId: id.id, requestId: String(req.id) };
  }

  private apiKeyHeader(req: AuthedRequest): string | undefined {
    const plain = req.headers['x-api-key'];
    if (typeof plain === 'string') return plain;
    // The Flagstone-style header is honoured on the savings side only, as the spec says.
    const cdp = req.headers['cdpapi-subscription-key'];
    if (typeof cdp === 'string' && isSavingsRoute(req)) return cdp;
    return undefined;
  }
}

/** Judged by the route that matched, not the raw URL, so no spelling of a path slips past. */
const isSavingsRoute = (req: AuthedRequest): boolean => (req.routeOptions.url ?? req.url).startsWith('/financial-partners');
