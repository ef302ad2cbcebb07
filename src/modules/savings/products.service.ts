import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { changedFields, recordAudit } from '../../common/audit/audit';
import { badRequest, notFound } from '../../common/errors/common.errors';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { decimalText } from './dto/decimal-input';
import type { CreateProductDto, UpdateProductDto } from './dto/product.dto';
import { flagstoneTimestamp, toJsonMoney, toJsonRate, utcText } from './formatting';
import { productProblems, ProductTerms, termsChanged } from './product-rules';

interface ProductRow {
  id: string;
  version: number;
  name: string;
  product_type: ProductTerms['productType'];
  currency_code: string;
  gross_rate: string;
  term_months: number | null;
  notice_days: number | null;
  day_count_basis: ProductTerms['dayCountBasis'];
  interest_paid_at: ProductTerms['interestPaidAt'];
  minimum_deposit: string | null;
  maximum_deposit: string | null;
  created_at: string;
  updated_at: string;
}

const SELECT = `
  SELECT p.id, p.current_version AS version, p.name, p.product_type, p.currency_code, v.gross_rate::text,
         v.term_months, v.notice_days, v.day_count_basis, v.interest_paid_at,
         p.minimum_deposit::text, p.maximum_deposit::text,
         ${utcText('p.created_at')} AS created_at, ${utcText('p.updated_at')} AS updated_at
    FROM savings_products p
    JOIN savings_product_versions v
      ON v.organization_id = p.organization_id AND v.product_id = p.id AND v.version = p.current_version`;

const view = (r: ProductRow) => ({
  productId: r.id,
  productVersion: r.version,
  name: r.name,
  productType: r.product_type,
  currencyCode: r.currency_code,
  grossRate: toJsonRate(r.gross_rate),
  termMonths: r.term_months,
  noticeDays: r.notice_days,
  dayCountBasis: r.day_count_basis,
  interestPaidAt: r.interest_paid_at,
  minimumDeposit: toJsonMoney(r.minimum_deposit),
  maximumDeposit: toJsonMoney(r.maximum_deposit),
  dateCreatedUTC: flagstoneTimestamp(r.created_at),
  dateUpdatedUTC: flagstoneTimestamp(r.updated_at),
});

const termsOf = (r: ProductRow): ProductTerms => ({
  productType: r.product_type,
  grossRate: r.gross_rate,
  termMonths: r.term_months,
  noticeDays: r.notice_days,
  dayCountBasis: r.day_count_basis,
  interestPaidAt: r.interest_paid_at,
  minimumDeposit: r.minimum_deposit,
  maximumDeposit: r.maximum_deposit,
});

const optionalDecimal = (v: unknown) => (v === undefined || v === null ? null : decimalText(v));

function assertValid(t: ProductTerms) {
  const problems = productProblems(t);
  if (problems.length) throw badRequest(`Invalid fields: ${problems.map((p) => p.field).join(', ')}`, problems);
}

@Injectable()
export class SavingsProductsService {
  constructor(private readonly db: TenantDb) {}

  create(actor: Actor, dto: CreateProductDto) {
    const terms: ProductTerms = {
      productType: dto.productType,
      grossRate: decimalText(dto.grossRate),
      termMonths: dto.termMonths ?? null,
      noticeDays: dto.noticeDays ?? null,
      dayCountBasis: dto.dayCountBasis ?? 'ACT/365F',
      // Fixed-term products pay at maturity unless told otherwise; the rest monthly.
      interestPaidAt: dto.interestPaidAt ?? (dto.productType === 'fixed_term' ? 'maturity' : 'monthly'),
      minimumDeposit: optionalDecimal(dto.minimumDeposit),
      maximumDeposit: optionalDecimal(dto.maximumDeposit),
    };
    assertValid(terms);
    return this.db.transaction(actor.org, async (m) => {
      const product = await m.one<{ id: string }>(`INSERT INTO savings_products (name, product_type, currency_code, minimum_deposit, maximum_deposit)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [dto.name, terms.productType, dto.currencyCode, terms.minimumDeposit, terms.maximumDeposit],
      );
      const id = product!.id;
      await this.insertVersion(m, id, 1, terms);
      await recordAudit(m, actor, {
        action: 'savings_product.create',
        resourceType: 'savings_product',
        resourceId: id,
        changes: { name: dto.name, ...terms },
      });
      return view((await this.load(m, actor.org, id))!);
    });
  }

  list(actor: Actor) {
    return this.db.transaction(actor.org, async (m) => {
      const found = await m.rows<ProductRow>(`${SELECT} WHERE p.organization_id = $1 ORDER BY p.id`, [actor.org]);
      return { products: found.map(view) };
    });
  }

  get(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => {
      const row = await this.load(m, actor.org, id);
      if (!row) throw notFound('Product', id);
      return view(row);
    });
  }

  update(actor: Actor, id: string, dto: UpdateProductDto) {
    return this.db.transaction(actor.org, async (m) => {
      const row = await this.load(m, actor.org, id, true);
      if (!row) throw notFound('Product', id);
      const before = termsOf(row);
      const after: ProductTerms = {
        ...before,
        grossRate: dto.grossRate !== undefined ? decimalText(dto.grossRate) : before.grossRate,
        termMonths: dto.termMonths !== undefined ? dto.termMonths : before.termMonths,
        noticeDays: dto.noticeDays !== undefined ? dto.noticeDays : before.noticeDays,
        dayCountBasis: dto.dayCountBasis ?? before.dayCountBasis,
        interestPaidAt: dto.interestPaidAt ?? before.interestPaidAt,
        minimumDeposit: dto.minimumDeposit !== undefined ? optionalDecimal(dto.minimumDeposit) : before.minimumDeposit,
        maximumDeposit: dto.maximumDeposit !== undefined ? optionalDecimal(dto.maximumDeposit) : before.maximumDeposit,
      };
      assertValid(after);
      const newVersion = termsChanged(before, after);
      const version = newVersion ? row.version + 1 : row.version;
      if (newVersion) await this.insertVersion(m, id, version, after);
      await m.exec(
        `UPDATE savings_products SET name = $2, minimum_deposit = $3, maximum_deposit = $4, current_version = $5,
                updated_at = clock_timestamp()
          WHERE id = $1`,
        [id, dto.name ?? row.name, after.minimumDeposit, after.maximumDeposit, version],
      );
      await recordAudit(m, actor, {
        action: 'savings_product.update',
        resourceType: 'savings_product',
        resourceId: id,
        changes: changedFields({ name: row.name, ...before }, { name: dto.name ?? row.name, ...after }),
        details: newVersion ? { productVersion: version } : null,
      });
      return view((await this.load(m, actor.org, id))!);
    });
  }

  private load(m: Sql, org: string, id: string, lock = false) {
    return m.one<ProductRow>(`${SELECT} WHERE p.organization_id = $1 AND p.id = $2${lock ? ' FOR UPDATE OF p' : ''}`, [org, id]);
  }

  private async insertVersion(m: Sql, id: string, version: number, t: ProductTerms) {
    await m.exec(
      `INSERT INTO savings_product_versions (product_id, version, gross_rate, term_months, notice_days, day_count_basis, interest_paid_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, version, t.grossRate, t.termMonths, t.noticeDays, t.dayCountBasis, t.interestPaidAt],
    );
  }
}
