import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, Observable, of } from 'rxjs';
import { rows } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import type { AuthedRequest } from '../auth/decorators';
import { badRequest, conflict, ReplayedProblem, unprocessable } from '../errors/domain-error';
import { toProblem } from '../errors/problem';

const CLAIM_SECONDS = 60;
const KEEP_HOURS = 24;

interface StoredRow {
  route: string;
  request_hash: string;
  state: 'running' | 'done';
  response_status: number | null;
  response_body: unknown;
  stale: boolean;
  expired: boolean;
}

/**
 * `Idempotency-Key` on POST: the first answer (status and body) is stored per organization
 * for 24 h and replayed to retries with the same route and body; 5xx answers are not stored,
 * so a retry after a crash runs again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly db: TenantDb) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const raw = req.headers['idempotency-key'];
    if (req.method !== 'POST' || raw === undefined || !req.actor) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters', [
        { field: 'Idempotency-Key', message: 'invalid' },
      ]);
    }
    // Streamed bodies (CSV import) are hashed by their route, length and type: they are never buffered.
    const body = req.body as { pipe?: unknown } | undefined;
    const bodyText =
      body && typeof body.pipe === 'function'
        ? `stream:${req.headers['content-type'] ?? ''}:${req.headers['content-length'] ?? ''}`
        : JSON.stringify(req.body ?? null);
    const org = req.actor.org;
    const route = `${req.method} ${req.url}`;
    const hash = createHash('sha256').update(route).update('\n').update(bodyText).digest('hex');
    const successStatus: number =
      Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ?? HttpStatus.CREATED;

    return from(this.claim(org, key, route, hash)).pipe(
      mergeMap((replay) => {
        if (replay) {
          if (replay.status >= 400) throw new ReplayedProblem(replay.status, replay.body as Record<string, unknown>);
          return of(replay.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.finish(org, key, successStatus, body ?? null);
            return body;
          }),
          catchError(async (err: unknown) => {
            const p = toProblem(err);
            if (p.status >= 500) await this.release(org, key);
            else await this.finish(org, key, p.status, p.body);
            throw err;
          }),
        );
      }),
    );
  }

  /** Returns a stored answer to replay, or null when this request now holds the claim. */
  private claim(org: string, key: string, route: string, hash: string): Promise<{ status: number; body: unknown } | null> {
    return this.db.run(org, async (m) => {
      const inserted = await rows(m, 
        `INSERT INTO idempotency_keys (key, method, route, request_hash, state, expires_at)
         VALUES ($1, 'POST', $2, $3, 'running', now() + interval '${KEEP_HOURS} hours')
         ON CONFLICT (organization_id, key) DO NOTHING RETURNING key`,
        [key, route, hash],
      );
      if (inserted.length) return null;
      const [row] = (await m.query(
        `SELECT route, request_hash, state, response_status, response_body,
                locked_at < now() - interval '${CLAIM_SECONDS} seconds' AS stale, expires_at < now() AS expired
           FROM idempotency_keys WHERE key = $1 FOR UPDATE`,
        [key],
      )) as StoredRow[];
      if (row.expired || (row.state === 'running' && row.stale && row.request_hash === hash)) {
        await m.query(
          `UPDATE idempotency_keys SET route = $2, request_hash = $3, state = 'running', response_status = NULL,
                  response_body = NULL, locked_at = now(), expires_at = now() + interval '${KEEP_HOURS} hours'
            WHERE key = $1`,
          [key, route, hash],
        );
        return null;
      }
      if (row.request_hash !== hash) {
        throw unprocessable('idempotency-key-reused', 'This Idempotency-Key was used with a different route or body', [
          { field: 'Idempotency-Key', message: 'already used for another request' },
        ]);
      }
      if (row.state === 'running') {
        throw conflict('idempotency-in-progress', 'A request with this Idempotency-Key is still being processed', [
          { field: 'Idempotency-Key', message: 'in progress' },
        ]);
      }
      return { status: row.response_status as number, body: row.response_body };
    });
  }

  private finish(org: string, key: string, status: number, body: unknown): Promise<void> {
    return this.db.run(org, async (m) => {
      await m.query(
        `UPDATE idempotency_keys SET state = 'done', response_status = $2, response_body = $3 WHERE key = $1`,
        [key, status, JSON.stringify(body)],
      );
    });
  }

  private release(org: string, key: string): Promise<void> {
    return this.db.run(org, async (m) => {
      await m.query(`DELETE FROM idempotency_keys WHERE key = $1 AND state = 'running'`, [key]);
    });
  }
}
