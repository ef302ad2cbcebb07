import { FieldCipher, last4 } from '../../src/common/crypto/field-cipher';
import { loadConfig } from '../../src/config/env';
import { ACCOUNT_CONTEXT, IBAN_CONTEXT } from '../../src/modules/investors/instruments.service';
import type { SeedContext } from './context';

const INVESTORS = [
  { name: 'Harbor Credit Fund', legal_name: 'Harbor Credit Fund LP', investor_type: 'fund', email: 'ops@harbor.example', country: 'US' },
  { name: 'Northwind Bank', legal_name: 'Northwind Bank plc', investor_type: 'bank', email: 'loans@northwind.example', country: 'GB' },
  { name: 'Rheinland Kapital', legal_name: 'Rheinland Kapital GmbH', investor_type: 'institutional', email: 'treasury@rheinland.example', country: 'DE' },
  { name: 'Meridian Pension Trust', legal_name: null, investor_type: 'institutional', email: null, country: 'NL' },
];

// Public test numbers: valid checksums (ABA 3-7-1, IBAN mod-97), owned by nobody.
const INSTRUMENTS = [
  { investor: 0, instrument_type: 'ach', currency: 'USD', routing_number: '021000021', account_number: '000123456789', is_default: true },
  { investor: 0, instrument_type: 'wire', currency: 'USD', routing_number: '011000015', account_number: '445566778899', is_default: false },
  { investor: 1, instrument_type: 'faster_payments', currency: 'GBP', sort_code: '601613', account_number: '31926819', is_default: true },
  { investor: 2, instrument_type: 'sepa', currency: 'EUR', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', is_default: true },
  { investor: 3, instrument_type: 'swift', currency: 'EUR', iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', is_default: true },
] as const;

/** Seeds investors with settlement instruments (encrypted like the API does), in two statements. */
export async function seed(ctx: SeedContext): Promise<void> {
  const cipher = FieldCipher.fromConfig(loadConfig());
  const cols = ['name', 'legal_name', 'investor_type', 'email', 'country'] as const;
  const { rows: investors } = await ctx.client.query<{ id: string; name: string }>(
    `INSERT INTO investors (name, legal_name, investor_type, email, country)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) RETURNING id, name`,
    cols.map((c) => INVESTORS.map((i) => i[c])),
  );
  // RETURNING order is not promised, so ids are matched back by name.
  const idByName = new Map(investors.map((r) => [r.name, r.id]));
  const ids = INVESTORS.map((i) => idByName.get(i.name) as string);
  const get = (i: (typeof INSTRUMENTS)[number], k: string) => (i as Record<string, unknown>)[k] as string | undefined;
  const values = INSTRUMENTS.map((i) => {
    const account = get(i, 'account_number');
    const iban = get(i, 'iban');
    return [
      ids[i.investor], i.instrument_type, i.currency, INVESTORS[i.investor].legal_name ?? INVESTORS[i.investor].name,
      get(i, 'routing_number') ?? null, get(i, 'sort_code') ?? null, get(i, 'bic') ?? null,
      account ? cipher.encrypt(account, ACCOUNT_CONTEXT) : null, account ? last4(account) : null,
      iban ? cipher.encrypt(iban, IBAN_CONTEXT) : null, iban ? last4(iban) : null, String(i.is_default),
    ];
  });
  const columns = values[0].map((_, c) => values.map((row) => row[c]));
  await ctx.client.query(
    `INSERT INTO settlement_instruments (investor_id, instrument_type, currency, account_holder_name, routing_number, sort_code,
        bic, account_number_enc, account_number_last4, iban_enc, iban_last4, is_default)
     SELECT i::uuid, t, c, h, r, s, b, ae, a4, ie, i4, d::boolean
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::text[]) AS u(i, t, c, h, r, s, b, ae, a4, ie, i4, d)`,
    columns,
  );
  ctx.log(`investors: ${ids.length} investors, ${INSTRUMENTS.length} settlement instruments`);
}
