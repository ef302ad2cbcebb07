import { electronicFormatIBAN, isSEPACountry, isValidBIC, isValidIBAN } from 'ibantools';
import type { FieldError } from '../../common/errors/domain-error';

export const INSTRUMENT_TYPES = ['ach', 'wire', 'sepa', 'faster_payments', 'swift'] as const;
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];

export const BANK_FIELDS = ['routing_number', 'account_number', 'iban', 'bic', 'sort_code'] as const;
export type BankField = (typeof BANK_FIELDS)[number];
export type BankDetails = Partial<Record<BankField, string>>;

/** ABA routing number: 9 digits whose 3-7-1 weighted sum is a multiple of 10. */
export function isAbaRoutingNumber(v: string): boolean {
  if (!/^\d{9}$/.test(v)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = [...v].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return sum % 10 === 0;
}

/** UK sort code, written 12-34-56 or 123456; stored as six digits. */
export function normalizeSortCode(v: string): string | null {
  const m = /^(\d{2})-?(\d{2})-?(\d{2})$/.exec(v.trim());
  return m ? m.slice(1).join('') : null;
}

interface Rule {
  required: BankField[];
  /** At least one of these must be present. */
  oneOf?: BankField[];
  account?: { re: RegExp; message: string };
}

const US_ACCOUNT = { re: /^\d{4,17}$/, message: 'must be 4 to 17 digits' };
const RULES: Record<InstrumentType, Rule> = {
  ach: { required: ['routing_number', 'account_number'], account: US_ACCOUNT },
  wire: { required: ['routing_number', 'account_number'], account: US_ACCOUNT },
  sepa: { required: ['iban', 'bic'] },
  faster_payments: { required: ['sort_code', 'account_number'], account: { re: /^\d{8}$/, message: 'must be 8 digits' } },
  swift: { required: ['bic'], oneOf: ['iban', 'account_number'], account: { re: /^[A-Z0-9]{1,34}$/, message: 'must be 1 to 34 letters or digits' } },
};

const usedBy = (type: InstrumentType): BankField[] => [...RULES[type].required, ...(RULES[type].oneOf ?? [])];

/**
 * Checks and normalizes the bank fields given for an instrument of `type`. `stored` names the
 * fields the instrument already holds (on update), so only the fields sent need to be sent.
 * Every problem is reported against its field.
 */
export function checkBankDetails(
  type: InstrumentType,
  given: BankDetails,
  stored: ReadonlySet<BankField> = new Set(),
): { errors: FieldError[]; values: BankDetails } {
  const errors: FieldError[] = [];
  const values: BankDetails = {};
  const rule = RULES[type];
  const fail = (field: BankField, message: string) => errors.push({ field, message: `${field} ${message}` });

  for (const field of BANK_FIELDS) {
    const raw = given[field];
    if (raw === undefined) continue;
    if (!usedBy(type).includes(field)) {
      fail(field, `is not used by instrument_type ${type}`);
      continue;
    }
    const v = raw.trim();
    switch (field) {
      case 'routing_number':
        if (!/^\d{9}$/.test(v)) fail(field, 'must be 9 digits');
        else if (!isAbaRoutingNumber(v)) fail(field, 'fails the ABA checksum');
        else values.routing_number = v;
        break;
      case 'account_number': {
        const acct = v.toUpperCase();
        if (rule.account && !rule.account.re.test(acct)) fail(field, rule.account.message);
        else values.account_number = acct;
        break;
      }
      case 'iban': {
        const iban = electronicFormatIBAN(v) ?? '';
        if (!isValidIBAN(iban)) fail(field, 'is not a valid IBAN (country format or mod-97 check digits)');
        else if (type === 'sepa' && !isSEPACountry(iban.slice(0, 2))) fail(field, `country ${iban.slice(0, 2)} is not in SEPA`);
        else values.iban = iban;
        break;
      }
      case 'bic':
        if (!isValidBIC(v.toUpperCase())) fail(field, 'is not a valid BIC (8 or 11 characters)');
        else values.bic = v.toUpperCase();
        break;
      case 'sort_code': {
        const sc = normalizeSortCode(v);
        if (!sc) fail(field, 'must be 6 digits (123456 or 12-34-56)');
        else values.sort_code = sc;
        break;
      }
    }
  }

  const has = (f: BankField) => given[f] !== undefined || stored.has(f);
  for (const f of rule.required) if (!has(f)) fail(f, `is required for instrument_type ${type}`);
  if (rule.oneOf && !rule.oneOf.some(has)) {
    for (const f of rule.oneOf) fail(f, `or ${rule.oneOf.filter((o) => o !== f).join(', ')} is required for instrument_type ${type}`);
  }
  return { errors, values };
}
