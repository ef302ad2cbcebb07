import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows written before the half-the-value rule showed a short account number (4–7 digits, or a
 * short SWIFT account) whole in its `_last4` column. The plaintext length is known without the
 * key: AES-GCM ciphertext is as long as the plaintext, after the 12-byte IV and 16-byte tag.
 * So the stored tail is cut to min(4, floor(length / 2)) here, in SQL.
 */
const fix = (column: string) => `
  UPDATE settlement_instruments s
     SET ${column}_last4 = right(s.${column}_last4, least(4, l.n / 2))
    FROM (SELECT id, length(decode(rpad(translate(b, '-_', '+/'), (length(b) + 3) / 4 * 4, '='), 'base64')) - 28 AS n
            FROM (SELECT id, split_part(${column}_enc, '.', 3) AS b FROM settlement_instruments
                   WHERE ${column}_enc IS NOT NULL) raw) l
   WHERE s.id = l.id AND length(s.${column}_last4) > least(4, l.n / 2)`;

export class ShortAccountMasks1764600000013 implements MigrationInterface {
  name = 'ShortAccountMasks1764600000013';

  async up(q: QueryRunner): Promise<void> {
    // A data fix across every organization: as the owner, with row security lifted for the
    // statement if a later migration forced it on the owner too.
    await q.query(`DO $$
      DECLARE forced boolean;
      BEGIN
        SELECT relforcerowsecurity INTO forced FROM pg_class WHERE oid = 'settlement_instruments'::regclass;
        IF forced THEN EXECUTE 'ALTER TABLE settlement_instruments NO FORCE ROW LEVEL SECURITY'; END IF;
        ${fix('account_number')};
        ${fix('iban')};
        IF forced THEN EXECUTE 'ALTER TABLE settlement_instruments FORCE ROW LEVEL SECURITY'; END IF;
      END $$`);
  }

  async down(): Promise<void> {
    // The longer tails cannot be restored without the key, and must not be.
  }
}
