import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../common/auth/actor';
import { changedFields, recordAudit } from '../../common/audit/audit';
import { FieldCipher, last4 } from '../../common/crypto/field-cipher';
import { badRequest, notFound } from '../../common/errors/common.errors';
import { listPage } from '../../common/pagination/list-page';
import { assertVersion } from '../../common/versioning/versioning';
import { Sql, updateVersioned } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { BankDetails, BankField, checkBankDetails, InstrumentType } from './bank-details';
import type { CreateInstrumentDto, InstrumentQuery, UpdateInstrumentDto } from './investors.dto';
import { defaultMustBeActive } from './investors.errors';
import { InvestorsService } from './investors.service';
import { INSTRUMENT_COLUMNS, InstrumentRow, instrumentView } from './investors.views';

/** AAD columns: with the organization and row id, a ciphertext only decrypts where it was written. */
export const ACCOUNT_CONTEXT = 'settlement_instrument.account_number';
export const IBAN_CONTEXT = 'settlement_instrument.iban';

@Injectable()
export class InstrumentsService {
  constructor(
    private readonly db: TenantDb,
    private readonly investors: InvestorsService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
  ) {}

  async require(m: Sql, id: string, opts: { lock?: boolean } = {}): Promise<InstrumentRow> {
    const lock = opts.lock ? ' FOR NO KEY UPDATE' : '';
    const row = await m.one<InstrumentRow>(`SELECT ${INSTRUMENT_COLUMNS} FROM settlement_instruments WHERE id = $1${lock}`, [id]);
    if (!row) throw notFound('Settlement instrument', id);
    return row;
  }

  create(actor: Actor, investorId: string, dto: CreateInstrumentDto) {
    return this.db.transaction(actor.org, async (m) => {
      await this.investors.require(m, investorId, { lock: true });
      const status = dto.status ?? 'active';
      const isDefault = dto.is_default ?? false;
      assertDefaultActive(isDefault, status);
      const bank = this.checked(dto.instrument_type as InstrumentType, pickBank(dto));
      const currency = dto.currency.toUpperCase();
      if (isDefault) await this.clearDefault(m, investorId, currency);
      // The id is chosen here so the ciphertext can be bound to its row before the row exists.
      const id = randomUUID();
      const row = (await m.one<InstrumentRow>(`INSERT INTO settlement_instruments (id, investor_id, instrument_type, currency, account_holder_name, routing_number,
            sort_code, bic, account_number_enc, account_number_last4, iban_enc, iban_last4, is_default, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${INSTRUMENT_COLUMNS}`,
        [id, investorId, dto.instrument_type, currency, dto.account_holder_name, bank.routing_number ?? null, bank.sort_code ?? null,
          bank.bic ?? null, ...this.sealed(bank, actor.org, id), isDefault, status],
      )) as InstrumentRow;
      const { id: _i, created_at: _c, updated_at: _u, version: _v, ...fields } = instrumentView(row);
      await recordAudit(m, actor, {
        action: 'settlement_instrument.create',
        resourceType: 'settlement_instrument',
        resourceId: row.id,
        changes: changedFields(null, fields),
      });
      return instrumentView(row);
    });
  }

  get(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => instrumentView(await this.require(m, id)));
  }

  list(actor: Actor, investorId: string, q: InstrumentQuery, req: FastifyRequest) {
    return this.db.transaction(actor.org, async (m) => {
      await this.investors.require(m, investorId);
      const where = new Where().and`organization_id = ${actor.org}`.and`investor_id = ${investorId}`;
      if (q.status) where.and`status = ANY(${q.status})`;
      if (q.currency) where.and`currency = ${q.currency.toUpperCase()}`;
      return listPage(m, req, q, { columns: INSTRUMENT_COLUMNS, from: 'settlement_instruments', where, orderBy: 'created_at, id' }, instrumentView);
    });
  }

  update(actor: Actor, id: string, dto: UpdateInstrumentDto, ifMatch: number | undefined) {
    return this.db.transaction(actor.org, async (m) => {
      // Investor first, then instrument: the same lock order as create, so the two never deadlock.
      const peek = await this.require(m, id);
      await this.investors.require(m, peek.investor_id, { lock: true });
      const before = await this.require(m, id, { lock: true });
      assertVersion(before.version, ifMatch);

      const status = dto.status ?? before.status;
      // Deactivating the default instrument also drops its default flag.
      const isDefault = dto.is_default ?? (status === 'active' ? before.is_default : false);
      assertDefaultActive(isDefault, status);
      const given = pickBank(dto);
      const bank = this.checked(before.instrument_type as InstrumentType, given, storedFields(before));

      const patch: Record<string, unknown> = {};
      const setIfChanged = (k: keyof InstrumentRow, v: unknown) => {
        if (v !== undefined && v !== before[k]) patch[k] = v;
      };
      setIfChanged('account_holder_name', dto.account_holder_name);
      setIfChanged('routing_number', bank.routing_number);
      setIfChanged('sort_code', bank.sort_code);
      setIfChanged('bic', bank.bic);
      setIfChanged('status', status);
      setIfChanged('is_default', isDefault);
      // Ciphertext differs on every write, so a sent secret always counts as a change.
      if (bank.account_number !== undefined) Object.assign(patch, this.sealedAccount(bank.account_number, actor.org, id));
      if (bank.iban !== undefined) Object.assign(patch, this.sealedIban(bank.iban, actor.org, id));
      if (!Object.keys(patch).length) return instrumentView(before);

      if (patch.is_default === true) await this.clearDefault(m, before.investor_id, before.currency);
      const after = await updateVersioned<InstrumentRow>(m, 'settlement_instruments', id, patch, INSTRUMENT_COLUMNS);
      const audited = Object.fromEntries(Object.keys(patch).map((k) => [k.replace(/_enc$/, ''), k.endsWith('_enc') ? 'changed' : patch[k]]));
      await recordAudit(m, actor, {
        action: 'settlement_instrument.update',
        resourceType: 'settlement_instrument',
        resourceId: id,
        changes: changedFields(before as unknown as Record<string, unknown>, audited),
      });
      return instrumentView(after);
    });
  }

  private checked(type: InstrumentType, given: BankDetails, stored?: ReadonlySet<BankField>): BankDetails {
    const { errors, values } = checkBankDetails(type, given, stored);
    if (errors.length) throw badRequest(`Invalid settlement instrument: ${errors.map((e) => e.field).join(', ')}`, errors);
    return values;
  }

  private clearDefault(m: Sql, investorId: string, currency: string) {
    return m.rows(`UPDATE settlement_instruments SET is_default = false, version = version + 1, updated_at = now()
        WHERE investor_id = $1 AND currency = $2 AND is_default`,
      [investorId, currency],
    );
  }

  private sealedAccount(v: string, org: string, row: string) {
    return { account_number_enc: this.cipher.encrypt(v, { column: ACCOUNT_CONTEXT, org, row }), account_number_last4: last4(v) };
  }

  private sealedIban(v: string, org: string, row: string) {
    return { iban_enc: this.cipher.encrypt(v, { column: IBAN_CONTEXT, org, row }), iban_last4: last4(v) };
  }

  /** [account_number_enc, account_number_last4, iban_enc, iban_last4] for an INSERT. */
  private sealed(bank: BankDetails, org: string, row: string): (string | null)[] {
    const a = bank.account_number !== undefined ? this.sealedAccount(bank.account_number, org, row) : null;
    const i = bank.iban !== undefined ? this.sealedIban(bank.iban, org, row) : null;
    return [a?.account_number_enc ?? null, a?.account_number_last4 ?? null, i?.iban_enc ?? null, i?.iban_last4 ?? null];
  }
}

function pickBank(dto: BankDetails): BankDetails {
  const { routing_number, account_number, iban, bic, sort_code } = dto;
  return { routing_number, account_number, iban, bic, sort_code };
}

function storedFields(r: InstrumentRow): Set<BankField> {
  const s = new Set<BankField>();
  if (r.routing_number) s.add('routing_number');
  if (r.sort_code) s.add('sort_code');
  if (r.bic) s.add('bic');
  // A one-character account shows an empty tail: null, not emptiness, means "not stored".
  if (r.account_number_last4 !== null) s.add('account_number');
  if (r.iban_last4 !== null) s.add('iban');
  return s;
}

function assertDefaultActive(isDefault: boolean, status: string) {
  if (isDefault && status !== 'active') {
    throw defaultMustBeActive();
  }
}
