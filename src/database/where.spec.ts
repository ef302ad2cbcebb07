import { Where } from './where';

describe('Where', () => {
  it('numbers each value in the order it is written and ANDs the conditions', () => {
    const w = new Where();
    w.and`organization_id = ${'org'}`;
    w.and`portfolio_id IS NULL`;
    w.and`(snapshot_date, loan_id) < (${'2026-01-31'}::date, ${'L'}::uuid)`;
    // org is $1; the condition without values takes none; the keyset pair is $2 and $3.
    expect(w.sql).toBe('organization_id = $1 AND portfolio_id IS NULL AND (snapshot_date, loan_id) < ($2::date, $3::uuid)');
    expect(w.params).toEqual(['org', '2026-01-31', 'L']);
    expect(w.size).toBe(3);
  });

  it('never splices a value into the SQL', () => {
    const w = new Where();
    w.and`currency = ${"USD'; DROP TABLE loans; --"}`;
    expect(w.sql).toBe('currency = $1');
    expect(w.params).toEqual(["USD'; DROP TABLE loans; --"]);
  });

  it('carries on after parameters it is given, appending to them', () => {
    const params: unknown[] = ['org'];
    const w = new Where(params);
    w.and`status = ANY(${['active', 'defaulted']}::text[])`;
    // 'org' already holds $1, so the list is $2, and a LIMIT after the conditions is $3.
    expect(w.sql).toBe('status = ANY($2::text[])');
    expect(w.param(51)).toBe('$3');
    expect(params).toEqual(['org', ['active', 'defaulted'], 51]);
  });

  it('keeps a value that is falsy or an array as one parameter', () => {
    const w = new Where();
    w.and`is_active = ${false} AND n >= ${0} AND x IS NOT DISTINCT FROM ${null}`;
    expect(w.sql).toBe('is_active = $1 AND n >= $2 AND x IS NOT DISTINCT FROM $3');
    expect(w.params).toEqual([false, 0, null]);
  });

  it('is TRUE with no conditions, so it can always follow WHERE', () => {
    expect(new Where().sql).toBe('TRUE');
    expect(new Where().size).toBe(0);
  });
});
