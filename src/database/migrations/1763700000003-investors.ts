import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

const STAMPS = `created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         version integer NOT NULL DEFAULT 1`;

/**
 * Investors, their settlement instruments and loan assignments. Every reference is a composite
 * (organization_id, x) key so nothing can point into another organization; an assignment's
 * instrument key also carries the investor, so an instrument of another investor is refused by
 * the database as well as by the service. Account numbers and IBANs are stored only as
 * ciphertext (AES-256-GCM, see src/common/crypto) beside their last four characters.
 */
export class Investors1763700000003 implements MigrationInterface {
  name = 'Investors1763700000003';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE investors (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         name text NOT NULL,
         legal_name text,
         investor_type text NOT NULL CHECK (investor_type IN ('institutional', 'bank', 'fund', 'individual', 'other')),
         email text,
         country char(2),
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
         ${STAMPS},
         UNIQUE (organization_id, id)
       )`,
      `CREATE INDEX investors_org_created ON investors (organization_id, created_at DESC, id)`,
      ...tenantTable('investors'),
      `CREATE TABLE settlement_instruments (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         investor_id uuid NOT NULL,
         instrument_type text NOT NULL CHECK (instrument_type IN ('ach', 'wire', 'sepa', 'faster_payments', 'swift')),
         currency char(3) NOT NULL,
         account_holder_name text NOT NULL,
         routing_number text,
         sort_code text,
         bic text,
         account_number_enc text,
         account_number_last4 text,
         iban_enc text,
         iban_last4 text,
         is_default boolean NOT NULL DEFAULT false,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
         ${STAMPS},
         UNIQUE (organization_id, id),
         UNIQUE (organization_id, investor_id, id),
         CONSTRAINT settlement_instruments_investor_fk FOREIGN KEY (organization_id, investor_id)
           REFERENCES investors (organization_id, id),
         CONSTRAINT settlement_instruments_default_active CHECK (NOT is_default OR status = 'active')
       )`,
      // At most one default per investor and currency; the service swaps defaults in one transaction.
      `CREATE UNIQUE INDEX settlement_instruments_one_default
         ON settlement_instruments (organization_id, investor_id, currency) WHERE is_default`,
      ...tenantTable('settlement_instruments'),
      // A composite FK needs a unique key on exactly its columns.
      `ALTER TABLE loans ADD CONSTRAINT loans_org_id_unique UNIQUE (organization_id, id)`,
      `CREATE TABLE loan_assignments (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         loan_id uuid NOT NULL,
         investor_id uuid NOT NULL,
         ownership_pct numeric(5,2) NOT NULL CHECK (ownership_pct > 0 AND ownership_pct <= 100),
         purchase_price numeric(18,2) NOT NULL CHECK (purchase_price >= 0),
         effective_date date NOT NULL,
         settlement_instrument_id uuid,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated')),
         terminated_at timestamptz,
         ${STAMPS},
         CONSTRAINT loan_assignments_terminated CHECK ((status = 'terminated') = (terminated_at IS NOT NULL)),
         CONSTRAINT loan_assignments_loan_fk FOREIGN KEY (organization_id, loan_id) REFERENCES loans (organization_id, id),
         CONSTRAINT loan_assignments_investor_fk FOREIGN KEY (organization_id, investor_id)
           REFERENCES investors (organization_id, id),
         CONSTRAINT loan_assignments_instrument_fk FOREIGN KEY (organization_id, investor_id, settlement_instrument_id)
           REFERENCES settlement_instruments (organization_id, investor_id, id)
       )`,
      // The ownership sum and the sale's "already assigned" check read only active rows of a loan.
      `CREATE INDEX loan_assignments_active_loan ON loan_assignments (organization_id, loan_id)
         INCLUDE (ownership_pct) WHERE status = 'active'`,
      `CREATE INDEX loan_assignments_investor ON loan_assignments (organization_id, investor_id, created_at, id)`,
      ...tenantTable('loan_assignments'),
      `ALTER TABLE portfolios ADD CONSTRAINT portfolios_investor_fk FOREIGN KEY (organization_id, investor_id)
         REFERENCES investors (organization_id, id)`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE portfolios DROP CONSTRAINT IF EXISTS portfolios_investor_fk');
    await q.query('DROP TABLE IF EXISTS loan_assignments');
    await q.query('ALTER TABLE loans DROP CONSTRAINT IF EXISTS loans_org_id_unique');
    await q.query('DROP TABLE IF EXISTS settlement_instruments');
    await q.query('DROP TABLE IF EXISTS investors');
  }
}
