import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from './actor';

export const PUBLIC_KEY = 'auth:public';
export const MIN_ROLE_KEY = 'auth:min-role';

/** No credentials needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Overrides the default (reads: viewer, writes: admin). */
export const MinRole = (role: Role) => SetMetadata(MIN_ROLE_KEY, role);

export type AuthedRequest = FastifyRequest & { actor?: Actor };

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.actor) throw new Error('CurrentActor used on a public route');
  return req.actor;
});
