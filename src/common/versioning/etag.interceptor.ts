import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';

/** Any single resource carrying an integer `version` is answered with `ETag: "<version>"`. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          const v = (body as { version?: unknown }).version;
          if (Number.isInteger(v)) ctx.switchToHttp().getResponse<FastifyReply>().header('ETag', `"${v as number}"`);
        }
        return body;
      }),
    );
  }
}
