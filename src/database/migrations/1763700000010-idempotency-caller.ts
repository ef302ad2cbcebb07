import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys belong to a caller (token subject or API key) within the organization, so
 * another caller reusing a key string never receives the first caller's answer. Stored answers
 * of `POST /api-keys` held the new key in clear: they are deleted (a retry of one simply creates
 * another key; replays now store the answer with the secret withheld).
 */
export class IdempotencyCaller1763700000010 implements MigrationInterface {
  name = 'IdempotencyCaller1763700000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys WHERE route LIKE 'POST /api-keys%'`);
    // Rows from before have no caller: '' matches nobody, so they simply age out.
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN caller text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN caller DROP DEFAULT`);
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey`);
    await q.query(`ALTER TABLE idempotency_keys ADD PRIMARY KEY (organization_id, caller, key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys WHERE caller <> ''`);
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey`);
    await q.query(`ALTER TABLE idempotency_keys ADD PRIMARY KEY (organization_id, key)`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN caller`);
  }
}
