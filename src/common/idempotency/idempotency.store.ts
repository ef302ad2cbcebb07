import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../database/tenant-db';
import { idempotencyInProgress, idempotencyKeyReused } from '../errors/common.errors';
import type { Storable } from './withheld';

const CLAIM_SECONDS = 60;
const KEEP_HOURS = 24;

/** Stands in for a streamed body's hash until the body has been read. */
export const PENDING_HASH = 'stream:pending';

/** One key of one caller in one organization. */
export interface KeyRef {
  org: string;
  caller: string;
  key: string;
}

export interface Stored {
  hash: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

interface Row {
  request_hash: string;
  state: 'running' | 'done';
  response_status: number | null;
  response_body: unknown;
  response_headers: Record<string, string> | null;
  stale: boolean;
  expired: boolean;
}

@Injectable()
export class IdempotencyStore {
  constructor(private readonly db: TenantDb) {}

  /**
   * Claims the key for this request (returns null) or returns the stored answer. `hash` is null
   * for a streamed body, whose hash is known only once it is read: the caller compares it then.
   */
  claim(ref: KeyRef, route: string, hash: string | null): Promise<Stored | null> {
    return this.db.transaction(ref.org, async (m) => {
      const inserted = await m.rows(`INSERT INTO idempotency_keys (caller, key, method, route, request_hash, state, expires_at)
         VALUES ($1, $2, 'POST', $3, $4, 'running', now() + interval '${KEEP_HOURS} hours')
         ON CONFLICT (organization_id, caller, key) DO NOTHING RETURNING key`,
        [ref.caller, ref.key, route, hash ?? PENDING_HASH],
      );
      if (inserted.length) return null;
      const row = await m.one<Row>(`SELECT request_hash, state, response_status, response_body, response_headers,
                locked_at < now() - interval '${CLAIM_SECONDS} seconds' AS stale, expires_at < now() AS expired
           FROM idempotency_keys WHERE organization_id = $1 AND caller = $2 AND key = $3 FOR UPDATE`,
        [ref.org, ref.caller, ref.key],
      );
      // Released by its own request (a 5xx) between our insert and this read: try again.
      if (!row) throw idempotencyInProgress();
      const sameRequest = hash === null || row.request_hash === hash;
      if (row.expired || (row.state === 'running' && row.stale && sameRequest)) {
        await m.exec(
          `UPDATE idempotency_keys SET route = $3, request_hash = $4, state = 'running', response_status = NULL,
                  response_body = NULL, response_headers = NULL, locked_at = now(),
                  expires_at = now() + interval '${KEEP_HOURS} hours'
            WHERE organization_id = $5 AND caller = $1 AND key = $2`,
          [ref.caller, ref.key, route, hash ?? PENDING_HASH, ref.org],
        );
        return null;
      }
      if (!sameRequest) throw idempotencyKeyReused();
      if (row.state === 'running') throw idempotencyInProgress();
      return {
        hash: row.request_hash,
        status: row.response_status as number,
        body: row.response_body,
        headers: row.response_headers ?? {},
      };
    });
  }

  /** Stores the answer; `answer` has already had its secrets withheld. */
  finish(ref: KeyRef, hash: string, status: number, answer: Storable): Promise<void> {
    return this.db.transaction(ref.org, async (m) => {
      await m.exec(
        `UPDATE idempotency_keys SET state = 'done', request_hash = $3, response_status = $4, response_body = $5,
                response_headers = $6
          WHERE organization_id = $7 AND caller = $1 AND key = $2`,
        [ref.caller, ref.key, hash, status, JSON.stringify(answer.body ?? null), JSON.stringify(answer.headers), ref.org],
      );
    });
  }

  /** Lets a retry run again (a 5xx, or a body that never arrived whole). */
  release(ref: KeyRef): Promise<void> {
    return this.db.transaction(ref.org, async (m) => {
      await m.exec(`DELETE FROM idempotency_keys WHERE organization_id = $1 AND caller = $2 AND key = $3 AND state = 'running'`,
        [ref.org, ref.caller, ref.key],
      );
    });
  }
}
