import { TenantDb } from '../../src/database/tenant-db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/**
 * `TenantDb.read` leaves the organization on the connection between uses. With one connection
 * in the pool every request reuses it, so any leak from one organization to the next shows.
 */
describe('tenant pool with one connection (e2e)', () => {
  let t: TestApp;
  let db: TenantDb;
  const orgA = newOrg();
  const orgB = newOrg();
  let loanA: string;
  let loanB: string;

  beforeAll(async () => {
    t = await startApp({ DATABASE_POOL_SIZE: '1' });
    db = t.app.get(TenantDb);
    [loanA] = await insertLoans(orgA, [{ loan_number: 'POOL-A-1' }]);
    [loanB] = await insertLoans(orgB, [{ loan_number: 'POOL-B-1' }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('alternating organizations each see only their own loans over HTTP', async () => {
    const a = bearer(tokenFor(t.config, orgA, 'admin'));
    const b = bearer(tokenFor(t.config, orgB, 'admin'));
    for (let round = 0; round < 3; round++) {
      expect((await t.http().get(`/loans/${loanA}`).set(a)).status).toBe(200);
      expect((await t.http().get(`/loans/${loanA}`).set(b)).status).toBe(404);
      const listB = await t.http().get('/loans?page_size=100').set(b);
      expect(listB.body.results.map((l: { id: string }) => l.id)).toEqual([loanB]);
      // A write for B (a transaction) between A's reads must not leave B behind either.
      const put = await t.http().put(`/loans/${loanB}`).set(b).send({ days_past_due: round + 1 });
      expect(put.status).toBe(200);
      const listA = await t.http().get('/loans?cursor=&page_size=100').set(a);
      expect(listA.body.results.map((l: { id: string }) => l.id)).toEqual([loanA]);
    }
  });

  it('read, run and the shared pool each see exactly the organization they were given', async () => {
    const current = `SELECT coalesce(current_setting('app.org_id', true), '') AS org, (SELECT count(*)::int FROM loans) AS n`;
    expect(await db.read(orgA, (m) => m.rows(current))).toEqual([{ org: orgA, n: 1 }]);
    expect(await db.transaction(orgB, (m) => m.rows(current))).toEqual([{ org: orgB, n: 1 }]);
    // After B's transaction the connection is back to A's session setting, and read() checks it.
    expect(await db.read(orgA, (m) => m.rows(current))).toEqual([{ org: orgA, n: 1 }]);
    expect(await db.read(orgB, (m) => m.rows(current))).toEqual([{ org: orgB, n: 1 }]);
    // The shared pool never carries an organization: tenant rows stay invisible there.
    const [shared] = (await db.unscoped.query(current)) as { org: string; n: number }[];
    expect(shared).toEqual({ org: '', n: 0 });
  });

  it('a failed read leaves the connection usable and still scoped', async () => {
    await expect(db.read(orgA, (m) => m.rows('SELECT 1/0'))).rejects.toThrow(/division by zero/);
    const ids = await db.read(orgB, (m) => m.rows<{ id: string }>('SELECT id FROM loans'));
    expect(ids.map((r) => r.id)).toEqual([loanB]);
  });

  it('eachInOwnTransaction scopes every transaction of the batch, and a failure leaves the connection clean', async () => {
    const results = await db.eachInOwnTransaction(orgB, [
      `SELECT current_setting('app.org_id') AS org, (SELECT count(*)::int FROM loans) AS n`,
      `SELECT (SELECT id FROM loans LIMIT 1) AS id`,
    ]);
    expect(results.map((r) => r.rows[0])).toEqual([{ org: orgB, n: 1 }, { id: loanB }]);
    await expect(db.eachInOwnTransaction(orgA, ['SELECT 1', 'SELECT 1/0', 'SELECT 3'])).rejects.toThrow(/division by zero/);
    expect(await db.read(orgA, (m) => m.rows<{ id: string }>('SELECT id FROM loans'))).toEqual([{ id: loanA }]);
  });
});
