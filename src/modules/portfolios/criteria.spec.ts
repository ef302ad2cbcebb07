import { criteriaSql, hasCriteria } from './criteria';

describe('criteriaSql', () => {
  it('turns every key into a parameterised predicate, ANDed in a fixed order', () => {
    const params: unknown[] = ['org'];
    const sql = criteriaSql(
      {
        program_id: 'p',
        origination_date_start: '2026-01-01',
        origination_date_end: '2026-03-31',
        currency: 'USD',
        min_interest_rate: '0.05',
        max_interest_rate: '0.1',
        statuses: ['active', 'defaulted'],
        max_days_past_due: 29,
      },
      params,
    );
    expect(sql).toBe(
      'l.program_id = $2::uuid AND l.origination_date >= $3::date AND l.origination_date <= $4::date AND ' +
        'l.currency = $5 AND l.interest_rate >= $6::numeric AND l.interest_rate <= $7::numeric AND ' +
        'l.status = ANY($8::text[]) AND l.days_past_due <= $9::int',
    );
    expect(params).toEqual(['org', 'p', '2026-01-01', '2026-03-31', 'USD', '0.05', '0.1', ['active', 'defaulted'], 29]);
  });

  it('never splices values into the SQL', () => {
    const params: unknown[] = [];
    const sql = criteriaSql({ currency: "USD'; DROP TABLE loans; --" }, params);
    expect(sql).toBe('l.currency = $1');
    expect(params).toEqual(["USD'; DROP TABLE loans; --"]);
  });

  it('knows an empty criteria object from a real one', () => {
    expect(hasCriteria({})).toBe(false);
    expect(hasCriteria(null)).toBe(false);
    expect(hasCriteria({ max_days_past_due: 0 })).toBe(true);
    expect(criteriaSql({}, [])).toBe('TRUE');
  });
});
