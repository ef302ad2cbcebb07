import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { formatRate } from '../../src/common/money/decimal';
import { monthsOnBook, remainingTermMonths } from '../../src/modules/loan-tapes/tape-rules';
import { withOrgSql } from '../factories/db';
import { insertLoans, insertPortfolio, LoanFixture } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

const COLUMNS = [
  'loan_number', 'borrower_name', 'currency', 'original_principal', 'principal_balance', 'interest_rate', 'term_months',
  'days_past_due', 'delinquency_bucket', 'status', 'origination_date', 'maturity_date', 'next_payment_date',
  'months_on_book', 'remaining_term_months', 'portfolio_name', 'investor_name', 'ownership_pct', 'as_of_date',
];
const INTEGER_COLUMNS = new Set(['term_months', 'days_past_due', 'months_on_book', 'remaining_term_months']);
const NUMERIC_COLUMNS = new Set([...INTEGER_COLUMNS, 'original_principal', 'principal_balance', 'interest_rate', 'ownership_pct']);
const DATE_COLUMNS = new Set(['origination_date', 'maturity_date', 'next_payment_date', 'as_of_date']);

/** Loans whose text needs the formula guard, CSV quoting and Unicode, beside plain ones. */
const LOANS: (LoanFixture & { loan_number: string })[] = [
  { loan_number: 'LT-001', borrower_name: '=SUM(A1)', origination_date: '2024-06-15', maturity_date: '2027-06-15',
    original_principal: '10000.00', principal_balance: '1234.50', interest_rate: '0.0785', term_months: 36, next_payment_date: '2026-12-01' },
  { loan_number: 'LT-002', borrower_name: 'Zoë Ünïcødé — 日本 ✓ 😀', origination_date: '2025-11-30',
    original_principal: '5000.00', principal_balance: '4999.99', interest_rate: '0.1', term_months: 12, days_past_due: 45 },
  { loan_number: 'LT-003', borrower_name: 'Smith, "Jr"\nline two', origination_date: '2020-01-01', original_principal: '700.00',
    principal_balance: '0.00', interest_rate: '0.123456789', term_months: 24, status: 'paid_off' },
  { loan_number: 'LT-004', borrower_name: '@handle', original_principal: '900.10', principal_balance: '900.10', interest_rate: '0',
    days_past_due: 130, status: 'defaulted' },
  { loan_number: 'LT-005', borrower_name: '-minus +plus', original_principal: '1.00', principal_balance: '1.00' },
];

describe('loan tapes (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const other = newOrg();
  let admin: string;
  let viewer: string;
  let stranger: string;
  let portfolioId: string;
  const ids: Record<string, string> = {};
  const investor: Record<string, string> = {};

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    viewer = tokenFor(t.config, org, 'viewer');
    stranger = tokenFor(t.config, other, 'admin');
    portfolioId = await insertPortfolio(org, { name: 'LT Prime' });
    const inPortfolio = new Set(['LT-001', 'LT-002', 'LT-004']);
    const loanIds = await insertLoans(org, LOANS.map((l) => ({ ...l, portfolio_id: inPortfolio.has(l.loan_number) ? portfolioId : null })));
    LOANS.forEach((l, i) => (ids[l.loan_number] = loanIds[i]));
    await withOrgSql(org, async (c) => {
      for (const [key, name] of [['A', 'Alpha Partners'], ['B', '+Bravo Capital']]) {
        const { rows } = await c.query(`INSERT INTO investors (name, investor_type) VALUES ($1, 'fund') RETURNING id`, [name]);
        investor[key] = rows[0].id;
      }
      const assign = (loan: string, inv: string, pct: string, eff: string, terminated = false) =>
        c.query(
          `INSERT INTO loan_assignments (loan_id, investor_id, ownership_pct, purchase_price, effective_date, status, terminated_at)
           VALUES ($1, $2, $3, 0, $4, $5, $6)`,
          [ids[loan], investor[inv], pct, eff, terminated ? 'terminated' : 'active', terminated ? '2025-06-01T00:00:00Z' : null],
        );
      // LT-001: B holds the larger share. LT-002: a 50/50 tie goes to the earlier effective date (B).
      // LT-003: its only assignment is terminated, so the investor columns are empty.
      await assign('LT-001', 'A', '40.00', '2025-01-01');
      await assign('LT-001', 'B', '60.00', '2025-03-01');
      await assign('LT-002', 'A', '50.00', '2025-02-01');
      await assign('LT-002', 'B', '50.00', '2025-01-15');
      await assign('LT-003', 'A', '100.00', '2025-01-01', true);
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const createConfig = (body: object, token = admin) => t.http().post('/loan-tape-configs').set(bearer(token)).send(body);
  const generate = (configId: string, body: object = {}, token = admin) =>
    t.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(token)).send(body);
  const download = (tapeId: string, token = admin) =>
    t
      .http()
      .get(`/loan-tapes/${tapeId}/download`)
      .set(bearer(token))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  /** Generates a tape and waits for its job; returns the finished tape. */
  async function tapeOf(configId: string, body: object = {}) {
    const res = await generate(configId, body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ tape_id: expect.any(String), job_id: expect.any(String), status_url: `/jobs/${res.body.job_id}` });
    await waitForJob(t, admin, res.body.status_url);
    const tape = await t.http().get(`/loan-tapes/${res.body.tape_id}`).set(bearer(viewer));
    expect(tape.status).toBe(200);
    return tape.body;
  }

  /** What each loan's row must say today, in wire form (CSV text; null for empty). */
  function expected(l: LoanFixture & { loan_number: string }): Record<string, string | number | null> {
    const asOf = today();
    const orig = l.origination_date ?? '2026-01-15';
    const mob = monthsOnBook(orig, asOf);
    const largest: Record<string, [string, string]> = { 'LT-001': ["'+Bravo Capital", '60.00'], 'LT-002': ["'+Bravo Capital", '50.00'] };
    const dpd = l.days_past_due ?? 0;
    const bucket = dpd === 0 ? 'current' : dpd < 30 ? 'dpd_1_29' : dpd < 60 ? 'dpd_30_59' : dpd < 90 ? 'dpd_60_89' : dpd < 120 ? 'dpd_90_119' : 'dpd_120_plus';
    const guarded = /^[=+\-@]/.test(l.borrower_name as string) ? `'${l.borrower_name}` : (l.borrower_name as string);
    return {
      loan_number: l.loan_number,
      borrower_name: guarded,
      currency: 'USD',
      original_principal: l.original_principal as string,
      principal_balance: l.principal_balance as string,
      interest_rate: formatRate(l.interest_rate ?? '0.075'),
      term_months: l.term_months ?? 36,
      days_past_due: dpd,
      delinquency_bucket: bucket,
      status: l.status ?? 'active',
      origination_date: orig,
      maturity_date: l.maturity_date ?? null,
      next_payment_date: l.next_payment_date ?? null,
      months_on_book: mob,
      remaining_term_months: remainingTermMonths(l.term_months ?? 36, mob),
      portfolio_name: ['LT-001', 'LT-002', 'LT-004'].includes(l.loan_number) ? 'LT Prime' : null,
      investor_name: largest[l.loan_number]?.[0] ?? null,
      ownership_pct: largest[l.loan_number]?.[1] ?? null,
      as_of_date: asOf,
    };
  }
  const asCsv = (row: Record<string, string | number | null>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? '' : String(v)]));

  describe('catalog and configs', () => {
    it('lists the column catalog with name, type and description', async () => {
      const res = await t.http().get('/loan-tape-columns').set(bearer(viewer));
      expect(res.status).toBe(200);
      const names = res.body.map((c: { name: string }) => c.name);
      expect(names).toEqual(expect.arrayContaining([...COLUMNS, 'id', 'program_id', 'portfolio_id', 'created_at', 'updated_at', 'investor_id']));
      expect(res.body.find((c: { name: string }) => c.name === 'principal_balance')).toEqual({
        name: 'principal_balance',
        type: 'money',
        description: expect.any(String),
      });
    });

    it('creates a config with defaults, version 1 and an ETag, and reads it back', async () => {
      const res = await createConfig({ name: 'Monthly Investor Report', format: 'csv', columns: ['loan_number', 'principal_balance'] });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String), name: 'Monthly Investor Report', portfolio_id: null, format: 'csv',
        columns: ['loan_number', 'principal_balance'], schedule: 'none', schedule_hour: 6, is_active: true,
        created_at: expect.any(String), updated_at: expect.any(String), version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      const got = await t.http().get(`/loan-tape-configs/${res.body.id}`).set(bearer(viewer));
      expect(got.body).toEqual(res.body);
      const noFormat = await createConfig({ name: 'Defaults to CSV', columns: ['loan_number'] });
      expect(noFormat.body.format).toBe('csv');
      const list = await t.http().get('/loan-tape-configs').set(bearer(viewer));
      expect(list.body.results.map((c: { id: string }) => c.id)).toContain(res.body.id);
    });

    it('refuses unknown columns (listing the valid ones), repeats, an empty list and a bad format', async () => {
      const unknown = await createConfig({ name: 'x', format: 'csv', columns: ['loan_number', 'colour'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].field).toBe('columns');
      expect(unknown.body.errors[0].message).toContain('colour');
      expect(unknown.body.detail).toContain('loan_number');
      expect(unknown.body.detail).toContain('months_on_book');
      const repeated = await createConfig({ name: 'x', format: 'csv', columns: ['loan_number', 'loan_number'] });
      expect(repeated.status).toBe(400);
      expect((await createConfig({ name: 'x', format: 'csv', columns: [] })).status).toBe(400);
      expect((await createConfig({ name: 'x', format: 'pdf', columns: ['loan_number'] })).status).toBe(400);
      expect((await createConfig({ name: 'x', format: 'csv', columns: ['loan_number'], schedule_hour: 24 })).status).toBe(400);
      expect((await createConfig({ name: 'x', format: 'csv', columns: ['loan_number'], version: 3 })).status).toBe(400);
      expect((await createConfig({ name: 'x', format: 'csv', columns: ['loan_number'] }, viewer)).status).toBe(403);
    });

    it("answers 422 naming portfolio_id for another organization's portfolio", async () => {
      const theirs = await insertPortfolio(other);
      const res = await createConfig({ name: 'x', format: 'csv', columns: ['loan_number'], portfolio_id: theirs });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('portfolio_id');
    });

    it('updates partially with If-Match (412 when stale) and audits the change', async () => {
      const c = (await createConfig({ name: 'Upd', format: 'csv', columns: ['loan_number'] })).body;
      const stale = await t.http().put(`/loan-tape-configs/${c.id}`).set(bearer(admin)).set('If-Match', '"7"').send({ name: 'New' });
      expect(stale.status).toBe(412);
      const ok = await t.http().put(`/loan-tape-configs/${c.id}`).set(bearer(admin)).set('If-Match', '"1"')
        .send({ name: 'New', columns: ['loan_number', 'status'], portfolio_id: portfolioId });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'New', columns: ['loan_number', 'status'], portfolio_id: portfolioId, format: 'csv', version: 2 });
      expect(ok.headers.etag).toBe('"2"');
      expect((await t.http().put(`/loan-tape-configs/${c.id}`).set(bearer(admin)).send({ columns: ['nope'] })).status).toBe(400);
      expect((await t.http().put(`/loan-tape-configs/${c.id}`).set(bearer(admin)).send({ name: null })).status).toBe(400);
      const audit = await t.http().get(`/audit-events?resource_type=loan_tape_config&resource_id=${c.id}`).set(bearer(tokenFor(t.config, org, 'owner')));
      expect(audit.status).toBe(200);
      expect(JSON.stringify(audit.body)).toContain('loan_tape_config.update');
    });
  });

  describe('generation and formats', () => {
    it('writes CSV per RFC 4180 with guarded text, 2-dp money, rates, dates, empty nulls and investor columns', async () => {
      const config = (await createConfig({ name: 'Book CSV', format: 'csv', columns: COLUMNS })).body;
      const tape = await tapeOf(config.id);
      expect(tape).toMatchObject({
        id: expect.any(String), config_id: config.id, status: 'completed', format: 'csv', as_of_date: today(),
        row_count: LOANS.length, errors: [], failed_reason: null, file_name: expect.stringMatching(/^book-csv-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv$/),
      });
      expect(tape.started_at).toEqual(expect.any(String));
      expect(tape.completed_at).toEqual(expect.any(String));
      const res = await download(tape.id, viewer);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${tape.file_name}"`);
      const body = res.body as Buffer;
      expect(body.length).toBe(tape.byte_size);
      expect(createHash('sha256').update(body).digest('hex')).toBe(tape.sha256);
      const text = body.toString('utf8');
      expect(text.split('\n')[0]).toBe(COLUMNS.join(','));
      const records = parse(text, { columns: true }) as Record<string, string>[];
      expect(records).toEqual(LOANS.map((l) => asCsv(expected(l))));
      // Hand-checked spots: the guard, the rate rounding and Unicode survive the round trip.
      expect(records[0].borrower_name).toBe("'=SUM(A1)");
      expect(records[0].principal_balance).toBe('1234.50');
      expect(records[2].interest_rate).toBe('0.123457');
      expect(records[3].interest_rate).toBe('0');
      expect(records[1].borrower_name).toBe('Zoë Ünïcødé — 日本 ✓ 😀');
      expect(records[2].borrower_name).toBe('Smith, "Jr"\nline two');
    });

    it('writes JSON Lines with money and rates as strings, integers as numbers and null for empty', async () => {
      const config = (await createConfig({ name: 'Book JSONL', format: 'json', columns: COLUMNS, portfolio_id: portfolioId })).body;
      const tape = await tapeOf(config.id);
      expect(tape).toMatchObject({ status: 'completed', format: 'json', row_count: 3 });
      const res = await download(tape.id);
      expect(res.headers['content-type']).toBe('application/x-ndjson');
      const lines = (res.body as Buffer).toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      const objects = lines.map((l) => JSON.parse(l));
      expect(objects).toEqual(LOANS.filter((l) => ['LT-001', 'LT-002', 'LT-004'].includes(l.loan_number)).map(expected));
      expect(Object.keys(objects[0])).toEqual(COLUMNS);
      expect(objects[0].principal_balance).toBe('1234.50');
      expect(objects[1].maturity_date).toBeNull();
    });

    it('writes XLSX through the streaming writer, readable by exceljs with the same values', async () => {
      const config = (await createConfig({ name: 'Book XLSX', format: 'xlsx', columns: COLUMNS })).body;
      const tape = await tapeOf(config.id);
      expect(tape).toMatchObject({ status: 'completed', format: 'xlsx', row_count: LOANS.length });
      const res = await download(tape.id);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="book-xlsx-.*\.xlsx"$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      expect(ws.rowCount).toBe(LOANS.length + 1);
      const header = COLUMNS.map((_, j) => ws.getRow(1).getCell(j + 1).value);
      expect(header).toEqual(COLUMNS);
      const rows = LOANS.map((_, i) => Object.fromEntries(COLUMNS.map((c, j) => [c, ws.getRow(i + 2).getCell(j + 1).value ?? null])));
      // Money, rates and percentages are numeric cells and dates are date cells; text stays text.
      const asCells = (row: Record<string, string | number | null>) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            v === null ? null : NUMERIC_COLUMNS.has(k) ? Number(v) : DATE_COLUMNS.has(k) ? new Date(`${v}T00:00:00.000Z`) : v,
          ]),
        );
      expect(rows).toEqual(LOANS.map((l) => asCells(expected(l))));
      for (const c of INTEGER_COLUMNS) expect(typeof rows[0][c]).toBe('number');
    });

    it('leaves exactly one file per tape in storage, with no temporary files', async () => {
      const dir = path.join(t.config.tapeStorageDir, org);
      const files = readdirSync(dir);
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const list = await t.http().get('/loan-tapes?status=completed').set(bearer(viewer));
      for (const tape of list.body.results) {
        expect(files.filter((f) => f.startsWith(tape.id))).toHaveLength(1);
      }
    });

    it('lists tapes newest first, filtered by config_id', async () => {
      const config = (await createConfig({ name: 'Two', format: 'csv', columns: ['loan_number'] })).body;
      const first = await tapeOf(config.id);
      const second = await tapeOf(config.id);
      const res = await t.http().get(`/loan-tapes?config_id=${config.id}&page_size=1`).set(bearer(viewer));
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(2);
      expect(res.body.results.map((r: { id: string }) => r.id)).toEqual([second.id]);
      expect(res.body.next).toContain('page=2');
      expect(first.status).toBe('completed');
    });
  });

  describe('as-of dates', () => {
    it("reads a past date's loan snapshots (joined to loans for static fields)", async () => {
      const past = daysAgo(40);
      await withOrgSql(org, async (c) => {
        await c.query(`SELECT ensure_loan_snapshot_partitions($1, $1)`, [past]);
        await c.query(
          `INSERT INTO loan_snapshots (loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate,
                                       term_months, days_past_due, delinquency_bucket, status, next_payment_date)
           VALUES ($1, $3, $4, 10000.00, 2000.5, 0.0785, 36, 10, 'dpd_1_29', 'active', '2026-01-01'),
                  ($2, $3, $4, 5000.00, 5000, 0.1, 12, 0, 'current', 'active', NULL)`,
          [ids['LT-001'], ids['LT-002'], portfolioId, past],
        );
      });
      const cols = ['loan_number', 'borrower_name', 'principal_balance', 'days_past_due', 'delinquency_bucket', 'next_payment_date',
        'months_on_book', 'remaining_term_months', 'portfolio_id', 'investor_name', 'as_of_date'];
      const config = (await createConfig({ name: 'Past', format: 'csv', columns: cols, portfolio_id: portfolioId })).body;
      const tape = await tapeOf(config.id, { as_of_date: past });
      expect(tape).toMatchObject({ status: 'completed', as_of_date: past, row_count: 2 });
      const records = parse((await download(tape.id)).body.toString('utf8'), { columns: true });
      const mob1 = monthsOnBook('2024-06-15', past);
      const mob2 = monthsOnBook('2025-11-30', past);
      expect(records).toEqual([
        { loan_number: 'LT-001', borrower_name: "'=SUM(A1)", principal_balance: '2000.50', days_past_due: '10', delinquency_bucket: 'dpd_1_29',
          next_payment_date: '2026-01-01', months_on_book: String(mob1), remaining_term_months: String(remainingTermMonths(36, mob1)),
          portfolio_id: portfolioId, investor_name: "'+Bravo Capital", as_of_date: past },
        { loan_number: 'LT-002', borrower_name: 'Zoë Ünïcødé — 日本 ✓ 😀', principal_balance: '5000.00', days_past_due: '0',
          delinquency_bucket: 'current', next_payment_date: '', months_on_book: String(mob2),
          remaining_term_months: String(remainingTermMonths(12, mob2)), portfolio_id: portfolioId, investor_name: "'+Bravo Capital", as_of_date: past },
      ]);
    });

    it('refuses a future date and a past date without snapshots with 422 naming as_of_date', async () => {
      const config = (await createConfig({ name: 'Dates', format: 'csv', columns: ['loan_number'] })).body;
      const future = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      const f = await generate(config.id, { as_of_date: future });
      expect(f.status).toBe(422);
      expect(f.body.errors[0].field).toBe('as_of_date');
      const none = await generate(config.id, { as_of_date: '2020-02-29' });
      expect(none.status).toBe(422);
      expect(none.body.errors[0].field).toBe('as_of_date');
      expect(none.body.detail).toContain('No loan snapshots');
      expect((await generate(config.id, { as_of_date: '2026-02-30' })).status).toBe(400);
    });
  });

  describe('state and tenancy', () => {
    it('an inactive config keeps its tapes but does not generate (409)', async () => {
      const config = (await createConfig({ name: 'Soon inactive', format: 'csv', columns: ['loan_number'] })).body;
      const tape = await tapeOf(config.id);
      const off = await t.http().put(`/loan-tape-configs/${config.id}`).set(bearer(admin)).send({ is_active: false });
      expect(off.body.is_active).toBe(false);
      const res = await generate(config.id);
      expect(res.status).toBe(409);
      expect(res.body.errors[0].field).toBe('is_active');
      const kept = await t.http().get(`/loan-tapes?config_id=${config.id}`).set(bearer(viewer));
      expect(kept.body.results.map((r: { id: string }) => r.id)).toEqual([tape.id]);
      expect((await createConfig({ name: 'Born inactive', format: 'csv', columns: ['loan_number'], is_active: false })).body.is_active).toBe(false);
    });

    it("hides another organization's configs and tapes (404)", async () => {
      const config = (await createConfig({ name: 'Mine', format: 'csv', columns: ['loan_number'] })).body;
      const tape = await tapeOf(config.id);
      expect((await t.http().get(`/loan-tapes/${tape.id}`).set(bearer(stranger))).status).toBe(404);
      expect((await download(tape.id, stranger)).status).toBe(404);
      expect((await t.http().get(`/loan-tape-configs/${config.id}`).set(bearer(stranger))).status).toBe(404);
      expect((await generate(config.id, {}, stranger)).status).toBe(404);
      expect((await t.http().get('/loan-tapes').set(bearer(stranger))).body.count).toBe(0);
      expect((await t.http().get('/loan-tapes/not-a-uuid').set(bearer(admin))).status).toBe(404);
    });
  });
});
