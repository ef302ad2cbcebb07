import { bucketOf, bucketSql, inDefaultSql, isInDefault, LOAN_STATUSES } from '../../src/modules/loans/loan-states';
import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/**
 * §3 states are defined once (loan-states.ts); the loans table's generated columns were written in
 * its migration. This holds all three together: the TypeScript predicates, the SQL built from the
 * same constants, and the columns Postgres keeps, at every bucket boundary and for every status.
 */
describe('loan states: TypeScript, SQL and the loans table agree (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const DAYS = [0, 1, 29, 30, 59, 60, 89, 90, 119, 120, 400];
  // paid_off must have days_past_due 0 (loans_paid_off_clean), so it only meets day 0.
  const CASES = LOAN_STATUSES.flatMap((status) => (status === 'paid_off' ? [0] : DAYS).map((days_past_due) => ({ status, days_past_due })));

  beforeAll(async () => {
    t = await startApp();
    await insertLoans(
      org,
      CASES.map((c, i) => ({ ...c, loan_number: `S-${String(i).padStart(3, '0')}`, principal_balance: c.status === 'paid_off' ? '0.00' : '100.00' })),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('the generated columns and the SQL fragments give what bucketOf and isInDefault give', async () => {
    // The fixture connection is the owner, which may see past row-level security: name the organization.
    const rows = await withOrgSql(org, async (c) =>
      (
        await c.query(`SELECT loan_number, status, days_past_due, delinquency_bucket, in_default,
                              ${bucketSql('l.days_past_due')} AS bucket_sql, ${inDefaultSql('l')} AS in_default_sql
                         FROM loans l WHERE l.organization_id = $1 ORDER BY loan_number`, [org])
      ).rows,
    );
    expect(rows).toHaveLength(CASES.length);
    for (const r of rows) {
      const expected = { bucket: bucketOf(r.days_past_due), inDefault: isInDefault(r) };
      expect({ loan: r.loan_number, bucket: r.delinquency_bucket, inDefault: r.in_default }).toEqual({ loan: r.loan_number, ...expected });
      expect({ loan: r.loan_number, bucket: r.bucket_sql, inDefault: r.in_default_sql }).toEqual({ loan: r.loan_number, ...expected });
    }
    // Hand-checked corners: 119 days is the last of dpd_90_119 and not yet in default; 120 is both.
    const at = (status: string, dpd: number) => rows.find((r) => r.status === status && r.days_past_due === dpd);
    expect(at('active', 119)).toMatchObject({ delinquency_bucket: 'dpd_90_119', in_default: false });
    expect(at('active', 120)).toMatchObject({ delinquency_bucket: 'dpd_120_plus', in_default: true });
    expect(at('defaulted', 0)).toMatchObject({ delinquency_bucket: 'current', in_default: true });
  });

  it('filters /loans by bucket with the same boundaries', async () => {
    const res = await t.http().get('/loans?delinquency_bucket=dpd_90_119&page_size=500').set(bearer(tokenFor(t.config, org, 'viewer')));
    expect(res.status).toBe(200);
    // Days 90 and 119, for the three statuses that can be past due.
    expect(res.body.count).toBe(6);
    expect(new Set(res.body.results.map((l: { days_past_due: number }) => l.days_past_due))).toEqual(new Set([90, 119]));
  });
});
