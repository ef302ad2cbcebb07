import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { BenchCase, postCsvFile } from '../lib';

const PROGRAMS = [
  '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b',
  '5f0e9d8c-7b6a-4e5d-9c4b-3a2f1e0d9c8b',
  '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
];
const COLUMNS =
  'loan_number,borrower_name,program_id,currency,origination_date,maturity_date,original_principal,' +
  'principal_balance,interest_rate,term_months,days_past_due,status,next_payment_date';
const STAGE_TYPES = `loan_number text, borrower_name text, program_id uuid, currency char(3), origination_date date,
  maturity_date date, original_principal numeric(18,2), principal_balance numeric(18,2), interest_rate numeric,
  term_months integer, days_past_due integer, status text, next_payment_date date`;

const day = (offset: number) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);

/** Row i of the file: every field filled, some names quoted (a comma inside), some loans late or paid off. */
function csvRow(i: number): string {
  const orig = day(i % 700);
  const matures = `${Number(orig.slice(0, 4)) + 3}${orig.slice(4, 8)}28`;
  const paidOff = i % 200 === 0;
  const dpd = paidOff ? 0 : i % 25 === 0 ? i % 150 : 0;
  const name = i % 10 === 0 ? `"Borrower ${i}, Jr."` : `Borrower ${i}`;
  const principal = 5000 + (i % 45_000);
  const balance = paidOff ? '0.00' : `${Math.floor(principal * 0.8)}.${String(i % 100).padStart(2, '0')}`;
  const status = paidOff ? 'paid_off' : dpd >= 120 ? 'defaulted' : 'active';
  return `IMP-${String(i).padStart(8, '0')},${name},${PROGRAMS[i % 4]},USD,${orig},${matures},${principal}.00,${balance},0.0${(i % 900) + 100},36,${dpd},${status},${paidOff ? '' : day(700 + (i % 30))}\n`;
}

/** Writes the CSV once per size; later runs reuse it. */
async function csvFile(rows: number): Promise<string> {
  const file = path.join(tmpdir(), `portfolio-bench-import-${rows}.csv`);
  if (existsSync(file)) return file;
  const out = createWriteStream(`${file}.part`);
  out.write(`${COLUMNS}\n`);
  for (let i = 1; i <= rows; ) {
    let chunk = '';
    for (let k = 0; k < 2000 && i <= rows; k++, i++) chunk += csvRow(i);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.part`, file);
  return file;
}

/**
 * CSV import of ctx.loans new loans. Service = POST /loans/import (request sent to response
 * received). Floor = psql doing the same two steps by hand: \copy the file into a staging
 * table, then one INSERT … ON CONFLICT into a copy of `loans` with the same indexes.
 */
const importCase: BenchCase = {
  name: 'import',
  async run(ctx) {
    const file = await csvFile(ctx.loans);
    const org = randomUUID();
    const token = ctx.server.token(org, 'admin');
    ctx.psql(`INSERT INTO organizations (id) VALUES ('${org}')`);

    ctx.server.resetPeakRss();
    const service = await ctx.time(() => postCsvFile(`${ctx.server.url}/loans/import`, token, file));
    const rssMb = ctx.server.peakRssMb();
    if (service.value.status !== 200) throw new Error(`import: ${service.value.status} ${service.value.body.slice(0, 2000)}`);
    const counts = JSON.parse(service.value.body) as { inserted: number; updated: number };
    if (counts.inserted !== ctx.loans) throw new Error(`inserted ${counts.inserted}, expected ${ctx.loans}`);

    const cols = COLUMNS.split(',');
    const mutable = cols.filter((c) => c !== 'loan_number');
    ctx.psql(`
      CREATE SCHEMA IF NOT EXISTS bench_floor;
      DROP TABLE IF EXISTS bench_floor.loans;
      CREATE TABLE bench_floor.loans (LIKE public.loans INCLUDING ALL);`);
    const floorMs = ctx.psql(`
      BEGIN;
      CREATE TEMP TABLE floor_stage (${STAGE_TYPES}) ON COMMIT DROP;
      \\copy floor_stage (${COLUMNS}) FROM '${file}' WITH (FORMAT csv, HEADER true)
      INSERT INTO bench_floor.loans (organization_id, ${COLUMNS})
      SELECT '${org}', ${COLUMNS} FROM floor_stage
      ON CONFLICT (organization_id, loan_number) DO UPDATE
         SET ${mutable.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
       WHERE (${mutable.map((c) => `bench_floor.loans.${c}`).join(', ')}) IS DISTINCT FROM (${mutable.map((c) => `EXCLUDED.${c}`).join(', ')});
      COMMIT;`);
    ctx.psql('DROP SCHEMA bench_floor CASCADE');
    return [
      {
        case: `import ${ctx.loans} rows (CSV over HTTP)`,
        service_ms: service.ms,
        floor_ms: floorMs,
        target: { factor: 2 },
        extra: { inserted: counts.inserted, csv_mb: Math.round(statSync(file).size / 2 ** 20), server_peak_rss_mb: rssMb },
      },
    ];
  },
};

export default importCase;
