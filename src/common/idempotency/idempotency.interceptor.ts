import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, Observable, of } from 'rxjs';
import { callerId } from '../auth/actor';
import type { AuthedRequest } from '../auth/decorators';
import { badRequest, idempotencyKeyReused } from '../errors/common.errors';
import { ReplayedProblem } from '../errors/domain-error';
import { toProblem } from '../errors/problem';
import { digestWhileReading, isStream } from './body-digest';
import { IdempotencyStore, KeyRef, Stored } from './idempotency.store';
import { Storable, WITHHELD_KEY, withholdSecrets } from './withheld';

const requestHash = (route: string, body: string) => createHash('sha256').update(route).update('\n').update(body).digest('hex');

/** The request's identity: known at once for JSON, once read to its end for a streamed body. */
interface Identity {
  /** null while a streamed body is unread. */
  known: string | null;
  /** Reads whatever is left of the body; rejects when it never arrives whole. */
  settle: () => Promise<string>;
}

/**
 * `Idempotency-Key` on POST: the first answer (status and body) is stored for 24 h per
 * organization and caller, and replayed to that caller's retries with the same route and body;
 * another caller's identical key is another key. Secrets in the answer are never stored (the
 * replay carries null and a `Secret-Withheld` header). A streamed body (CSV) is identified by the
 * sha-256 of the bytes received, computed as the route reads it. 5xx answers are not stored,
 * so a retry after a crash runs again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

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
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const ref: KeyRef = { org: req.actor.org, caller: callerId(req.actor), key };
    const route = `${req.method} ${req.url}`;
    const identity = this.requestIdentity(req, route);
    const successStatus: number = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ?? HttpStatus.CREATED;
    const secrets: string[] = Reflect.getMetadata(WITHHELD_KEY, ctx.getHandler()) ?? [];

    const answer = (status: number, body: unknown) => this.record(ref, identity, status, withholdSecrets(body, secrets));

    return from(this.store.claim(ref, route, identity.known)).pipe(
      mergeMap(async (stored) => (stored ? this.checkReplay(stored, identity) : null)),
      mergeMap((stored) => {
        if (stored) return of(this.replay(reply, stored));
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await answer(successStatus, body ?? null);
            return body;
          }),
          catchError(async (err: unknown) => {
            const p = toProblem(err);
            if (p.status >= 500) await this.store.release(ref);
            else await answer(p.status, p.body);
            throw err;
          }),
        );
      }),
    );
  }

  /** A streamed body is handed on through a hasher; the route reads it as before. */
  private requestIdentity(req: AuthedRequest, route: string): Identity {
    if (!isStream(req.body)) {
      const hash = requestHash(route, JSON.stringify(req.body ?? null));
      return { known: hash, settle: () => Promise.resolve(hash) };
    }
    const { stream, digest } = digestWhileReading(req.body);
    (req as { body: unknown }).body = stream;
    return {
      known: null,
      settle: async () => {
        stream.resume(); // drains what the route left unread; a no-op once it has ended
        return requestHash(route, `sha256:${await digest}`);
      },
    };
  }

  /** A stored answer for a streamed body is replayed only for the same bytes. */
  private async checkReplay(stored: Stored, identity: Identity): Promise<Stored> {
    if (identity.known === null && (await identity.settle()) !== stored.hash) throw idempotencyKeyReused();
    return stored;
  }

  private replay(reply: FastifyReply, stored: Stored): unknown {
    void reply.headers({ ...stored.headers, 'idempotent-replayed': 'true' });
    if (stored.status >= 400) throw new ReplayedProblem(stored.status, stored.body as Record<string, unknown>);
    return stored.body;
  }

  private async record(ref: KeyRef, identity: Identity, status: number, answer: Storable): Promise<void> {
    let hash: string;
    try {
      hash = await identity.settle();
    } catch {
      // The body never arrived whole, so there is nothing to recognize a retry by.
      await this.store.release(ref);
      return;
    }
    await this.store.finish(ref, hash, status, answer);
  }
}
