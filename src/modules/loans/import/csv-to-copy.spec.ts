import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvToCopy, Rejected } from './csv-to-copy';

const P = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
const HEADER = 'loan_number,borrower_name,program_id,origination_date,original_principal,principal_balance,interest_rate,term_months';

async function run(csv: string, chunk = 7) {
  const c = csvToCopy();
  let out = '';
  const sink = new Writable({ write: (b: Buffer, _e, cb) => ((out += b.toString()), cb()) });
  // Small chunks: records and quoted newlines straddle chunk boundaries.
  const parts = Array.from({ length: Math.ceil(csv.length / chunk) }, (_, i) => csv.slice(i * chunk, (i + 1) * chunk));
  const error = await pipeline(Readable.from(parts), c.stream, sink).then(() => null, (e: unknown) => e);
  return { out, error, errors: c.errors, rows: c.rows(), header: c.header() };
}

describe('csvToCopy', () => {
  it('emits COPY text with the physical start line of each record', async () => {
    const csv = `${HEADER}\r\nA-1,"Doe, ""JD""\r\nJr",${P},2026-01-01,100,50,0.1,12\r\n\r\nA-2,Roe,${P},2026-01-02,100,0,0,12\r\n`;
    const r = await run(csv);
    expect(r.error).toBeNull();
    expect(r.rows).toBe(2);
    // Line 2 holds a quoted CRLF (so A-1 spans 2-3); line 4 is empty; A-2 is on line 5.
    // Absent optional columns (7 of them) are staged as \N.
    const absent = '\t\\N'.repeat(7);
    expect(r.out).toBe(
      `2\tA-1\tDoe, "JD"\\r\\nJr\t${P}\t2026-01-01\t100\t50\t0.1\t12${absent}\n` +
        `5\tA-2\tRoe\t${P}\t2026-01-02\t100\t0\t0\t12${absent}\n`,
    );
  });

  it('emits nothing once a row fails, and keeps listing failures with their lines', async () => {
    const r = await run(`${HEADER}\nB-1,X,${P},2026-01-01,100,50,0.1,12\nB-2,X,${P},2026-13-01,100,50,0.1,12\nB-3,X,${P},2026-01-01,100,50,2,12\n`);
    expect(r.error).toBeNull();
    expect(r.errors).toEqual([
      { line: 3, field: 'origination_date', message: 'must be a date YYYY-MM-DD' },
      { line: 4, field: 'interest_rate', message: expect.any(String) },
    ]);
  });

  it('stops reading at a bad header, and after 100 failures', async () => {
    const bad = await run('loan_number,colour\nC-1,red\n');
    expect(bad.error).toBeInstanceOf(Rejected);
    expect(bad.header).toBeNull();
    const many = `${HEADER}\n` + Array.from({ length: 300 }, (_, i) => `D-${i},X,${P},2026-01-01,100,-1,0.1,12\n`).join('');
    const r = await run(many, 4096);
    expect(r.error).toBeInstanceOf(Rejected);
    expect(r.errors).toHaveLength(100);
    expect(r.rows).toBeLessThan(300);
  });
});
