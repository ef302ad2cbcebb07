import { withOrgSql } from './db';

export interface LoanFixture {
  loan_number?: string;
  borrower_name?: string;
  program_id?: string;
  currency?: string;
  origination_date?: string;
  maturity_date?: string | null;
  original_principal?: string;
  principal_balance?: string;
  interest_rate?: string;
  term_months?: number;
  days_past_due?: number;
  status?: string;
  next_payment_date?: string | null;
  portfolio_id?: string | null;
}

export const PROGRAM_A = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';

/** Inserts loans; returns their ids in order. */
export async function insertLoans(org: string, loans: LoanFixture[]): Promise<string[]> {
  return withOrgSql(org, async (c) => {
    const ids: string[] = [];
    for (const [i, l] of loans.entries()) {
      const { rows } = await c.query(
        `INSERT INTO loans (loan_number, borrower_name, program_id, currency, origination_date, maturity_date,
                            original_principal, principal_balance, interest_rate, term_months, days_past_due,
                            status, next_payment_date, portfolio_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
        [
          l.loan_number ?? `FX-${Date.now().toString(36)}-${i}`,
          l.borrower_name ?? `Borrower ${i}`,
          l.program_id ?? PROGRAM_A,
          l.currency ?? 'USD',
          l.origination_date ?? '2026-01-15',
          l.maturity_date ?? null,
          l.original_principal ?? '10000.00',
          l.principal_balance ?? '8000.00',
          l.interest_rate ?? '0.075',
          l.term_months ?? 36,
          l.days_past_due ?? 0,
          l.status ?? 'active',
          l.next_payment_date ?? null,
          l.portfolio_id ?? null,
        ],
      );
      ids.push(rows[0].id as string);
    }
    return ids;
  });
}

/** A portfolio row straight in the table (for modules that need one before the API exists). */
export async function insertPortfolio(
  org: string,
  p: { name?: string; portfolio_type?: string; criteria?: object | null; status?: string } = {},
): Promise<string> {
  return withOrgSql(org, async (c) => {
    const { rows } = await c.query(
      `INSERT INTO portfolios (name, portfolio_type, criteria, status) VALUES ($1, $2, $3, $4) RETURNING id`,
      [p.name ?? `P-${Math.random().toString(36).slice(2)}`, p.portfolio_type ?? 'static', p.criteria ? JSON.stringify(p.criteria) : null, p.status ?? 'active'],
    );
    return rows[0].id as string;
  });
}
