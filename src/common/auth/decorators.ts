import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from './actor';

export const PUBLIC_KEY = 'auth:public';
export const MIN_ROLE_KEY = 'auth:min-role';

/** Marks public operations in the OpenAPI document, which then lists no security for them. */
export const PUBLIC_EXTENSION = 'x-public';

/** No credentials needed (health, metrics, docs). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));

/** Overrides the default (reads: viewer, writes: admin). */
export const MinRole = (role: Role) => SetMetadata(MIN_ROLE_KEY, role);

export type AuthedRequest = FastifyRequest & { actor?: Actor };

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.actor) throw new Error('CurrentActor used on a public route');
  return req.actor;
});
