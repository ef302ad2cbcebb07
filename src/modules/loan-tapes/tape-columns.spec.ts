import { catalogView, COLUMN_NAMES, columnListProblems, formattedSql, guardSql } from './tape-columns';
import { tapeCountSql, tapeSelectSql } from './tape-sql';

const ORG = '11111111-2222-4333-8444-555555555555';

describe('tape column catalog', () => {
  it('holds every loan field of §3 and the derived columns', () => {
    const loanFields = [
      'id', 'loan_number', 'borrower_name', 'program_id', 'currency', 'origination_date', 'maturity_date',
      'original_principal', 'principal_balance', 'interest_rate', 'term_months', 'days_past_due',
      'delinquency_bucket', 'status', 'next_payment_date', 'portfolio_id', 'created_at', 'updated_at',
    ];
    const derived = ['months_on_book', 'remaining_term_months', 'portfolio_name', 'investor_id', 'investor_name', 'ownership_pct', 'as_of_date'];
    expect(COLUMN_NAMES).toEqual(expect.arrayContaining([...loanFields, ...derived]));
    for (const c of catalogView()) {
      expect(c).toEqual({ name: expect.any(String), type: expect.any(String), description: expect.any(String) });
    }
  });

  it('reports unknown and repeated names once each', () => {
    expect(columnListProblems(['loan_number', 'status'])).toEqual({ unknown: [], duplicates: [] });
    expect(columnListProblems(['loan_number', 'colour', 'colour', 'loan_number', 'status', 'loan_number'])).toEqual({
      unknown: ['colour'],
      duplicates: ['loan_number'],
    });
  });
});

describe('value formatting in SQL', () => {
  it('guards free text against formula injection and leaves numbers alone', () => {
    expect(guardSql('l.borrower_name')).toBe(
      "CASE WHEN left(l.borrower_name, 1) IN ('=', '+', '-', '@', chr(9), chr(13), '＝', '＋', '－', '＠') THEN '''' || l.borrower_name ELSE l.borrower_name END",
    );
    expect(formattedSql('string', 'x')).toContain("'''' || x");
    expect(formattedSql('money', 'x')).toBe('round(x, 2)::text');
    expect(formattedSql('rate', 'x')).toBe('trim_scale(round(x, 6))::text');
    expect(formattedSql('integer', 'x')).toBe('(x)::int');
    expect(formattedSql('date', 'x')).toBe("to_char(x, 'YYYY-MM-DD')");
    for (const t of ['money', 'rate', 'integer', 'decimal', 'date', 'uuid', 'enum'] as const) {
      expect(formattedSql(t, 'x')).not.toContain("''''");
    }
  });
});

describe('tape queries', () => {
  const base = { org: ORG, asOf: '2026-03-15', portfolioId: null, columns: ['loan_number', 'months_on_book', 'as_of_date'] };

  it('reads live loans in loan_number order, with the as-of month inlined', () => {
    const sql = tapeSelectSql({ ...base, source: 'live' });
    expect(sql).toContain(`FROM loans l`);
    expect(sql).toContain(`l.organization_id = '${ORG}'::uuid`);
    expect(sql).toContain(`greatest(24315 - (extract(year from l.origination_date)::int * 12`);
    expect(sql).toContain(`to_char('2026-03-15'::date, 'YYYY-MM-DD') AS "as_of_date"`);
    expect(sql).toMatch(/ORDER BY l\.loan_number$/);
    expect(sql).not.toContain('LATERAL');
    expect(sql).not.toContain('portfolios p');
  });

  it('reads snapshots of the date for a past tape, and joins only what the columns need', () => {
    const sql = tapeSelectSql({ ...base, source: 'snapshot', portfolioId: ORG, columns: ['principal_balance', 'investor_name', 'portfolio_name'] });
    expect(sql).toContain('FROM loan_snapshots s');
    expect(sql).toContain(`s.snapshot_date = '2026-03-15'::date`);
    expect(sql).toContain(`s.portfolio_id = '${ORG}'::uuid`);
    expect(sql).toContain('round(s.principal_balance, 2)::text');
    expect(sql).toContain('LEFT JOIN LATERAL');
    expect(sql).toContain('ORDER BY a.ownership_pct DESC, a.effective_date, a.created_at, a.id');
    expect(sql).toContain('LEFT JOIN portfolios p');
  });

  it('refuses values that are not a uuid or a date, since COPY inlines them', () => {
    expect(() => tapeSelectSql({ ...base, source: 'live', org: "x'; DROP TABLE loans; --" })).toThrow(/not a uuid/);
    expect(() => tapeCountSql({ ...base, source: 'snapshot', asOf: "2026-01-01'--" })).toThrow(/not a date/);
  });
});
