import { formatMoney } from '../../common/money/decimal';

export interface PortfolioRow {
  id: string;
  name: string;
  description: string | null;
  portfolio_type: 'static' | 'dynamic';
  criteria: Record<string, unknown> | null;
  status: 'active' | 'archived' | 'sold';
  investor_id: string | null;
  sold_at: string | null;
  sale_price: string | null;
  loan_count: number;
  total_outstanding: string;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  version: number;
}

export const PORTFOLIO_COLUMNS = `id, name, description, portfolio_type, criteria, status, investor_id, sold_at,
  sale_price, loan_count, total_outstanding, created_at, updated_at, archived_at, version`;

/** The wire shape of a portfolio (§4). */
export function portfolioView(r: PortfolioRow) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    portfolio_type: r.portfolio_type,
    criteria: r.criteria,
    status: r.status,
    investor_id: r.investor_id,
    sold_at: r.sold_at,
    sale_price: formatMoney(r.sale_price),
    loan_count: r.loan_count,
    total_outstanding: formatMoney(r.total_outstanding),
    created_at: r.created_at,
    updated_at: r.updated_at,
    archived_at: r.archived_at,
    version: r.version,
  };
}

export type PortfolioView = ReturnType<typeof portfolioView>;
