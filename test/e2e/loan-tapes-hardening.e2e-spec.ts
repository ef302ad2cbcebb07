import { parse } from 'csv-parse/sync';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { systemActor } from '../../src/common/auth/actor';
import { JobProducer } from '../../src/jobs/job-producer';
import { QUEUES } from '../../src/jobs/queues';
import { RETENTION_SCHEDULER } from '../../src/modules/loan-tapes/tape-retention.service';
import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

/** Issue #13 item 9: the wider formula guard, merged generate requests, tape retention. */
describe('loan tape hardening (e2e)', () => {
  const download = (t: TestApp, token: string, tapeId: string) =>
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
  const config = async (t: TestApp, token: string, format: string) => {
    const res = await t.http().post('/loan-tape-configs').set(bearer(token)).send({ name: `T ${Math.random()}`, format, columns: ['loan_number', 'borrower_name'] });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  describe('with workers', () => {
    let t: TestApp;
    const org = newOrg();
    let admin: string;

    beforeAll(async () => {
      t = await startApp({ TAPE_RETENTION_DAYS: '7' });
      admin = tokenFor(t.config, org);
    });
    afterAll(() => t.close());

    const tapeOf = async (configId: string) => {
      const res = await t.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(admin)).send({});
      expect(res.status).toBe(202);
      const job = await waitForJob(t, admin, res.body.status_url);
      expect(job.state).toBe('completed');
      return res.body.tape_id as string;
    };

    it('prefixes text starting with a tab, a carriage return or a full-width ＝＋－＠ (CSV and JSON Lines)', async () => {
      const names = ['\tcmd', '\r=1+1', '＝SUM(A1)', '＋1', '－2', '＠SUM(A1)', '=plain', 'Ｎormal full-width', 'Plain -dash'];
      await insertLoans(org, names.map((borrower_name, i) => ({ loan_number: `FG-${i}`, borrower_name })));
      const guarded = (n: string) => (/^[=+\-@\t\r＝＋－＠]/.test(n) ? `'${n}` : n);

      const csv = await tapeOf(await config(t, admin, 'csv'));
      const records = parse((await download(t, admin, csv)).body.toString('utf8'), { columns: true }) as { borrower_name: string }[];
      expect(records.map((r) => r.borrower_name)).toEqual(names.map(guarded));
      expect(records[2].borrower_name).toBe("'＝SUM(A1)");
      expect(records[8].borrower_name).toBe('Plain -dash');

      const jsonl = await tapeOf(await config(t, admin, 'json'));
      const lines = (await download(t, admin, jsonl)).body.toString('utf8').trim().split('\n').map((l: string) => JSON.parse(l));
      expect(lines.map((l: { borrower_name: string }) => l.borrower_name)).toEqual(names.map(guarded));
      expect(lines[0].borrower_name).toBe("'\tcmd");
    });

    it('deletes finished tapes older than TAPE_RETENTION_DAYS, rows and files, and keeps the rest', async () => {
      const configId = await config(t, admin, 'csv');
      const old = await tapeOf(configId);
      const recent = await tapeOf(configId);
      const keyOf = async (id: string) =>
        withOrgSql(org, async (c) => (await c.query(`SELECT storage_key FROM loan_tapes WHERE id = $1`, [id])).rows[0].storage_key as string);
      const oldFile = path.resolve(t.config.tapeStorageDir, await keyOf(old));
      expect(existsSync(oldFile)).toBe(true);
      // Eight days old: past the 7-day retention. A queued tape as old is still waiting for its job and stays.
      await withOrgSql(org, async (c) => {
        await c.query(`UPDATE loan_tapes SET created_at = now() - interval '8 days' WHERE id = $1`, [old]);
        await c.query(
          `INSERT INTO loan_tapes (config_id, trigger, format, columns, as_of_date, source, file_name, requested_by, created_at)
           VALUES ($1, 'manual', 'csv', '{loan_number}', current_date, 'live', 'waiting.csv', 'test', now() - interval '8 days')`,
          [configId],
        );
      });
      const otherOrg = newOrg();
      const otherAdmin = tokenFor(t.config, otherOrg);
      const othersOld = await (async () => {
        await insertLoans(otherOrg, [{ loan_number: 'OO-1' }]);
        const res = await t.http().post(`/loan-tape-configs/${await config(t, otherAdmin, 'csv')}/generate`).set(bearer(otherAdmin)).send({});
        await waitForJob(t, otherAdmin, res.body.status_url);
        await withOrgSql(otherOrg, (c) => c.query(`UPDATE loan_tapes SET created_at = now() - interval '30 days' WHERE id = $1`, [res.body.tape_id]));
        return res.body.tape_id as string;
      })();

      // The job the daily fan-out enqueues for each organization.
      const job = await t.app.get(JobProducer).enqueue(QUEUES.loanTapes, 'cleanup-tapes', systemActor(org), {});
      const done = await waitForJob(t, admin, job.status_url);
      expect(done).toMatchObject({ state: 'completed', result: { deleted: 1, retention_days: 7 } });

      expect((await t.http().get(`/loan-tapes/${old}`).set(bearer(admin))).status).toBe(404);
      expect(existsSync(oldFile)).toBe(false);
      expect((await t.http().get(`/loan-tapes/${recent}`).set(bearer(admin))).status).toBe(200);
      expect((await download(t, admin, recent)).status).toBe(200);
      const list = await t.http().get(`/loan-tapes?config_id=${configId}`).set(bearer(admin));
      expect(list.body.count).toBe(2); // the recent one and the old queued one
      // Another organization's expired tape waits for its own organization's job.
      expect((await t.http().get(`/loan-tapes/${othersOld}`).set(bearer(otherAdmin))).status).toBe(200);
    });

    it('schedules the daily cleanup while retention is on', async () => {
      const scheduler = await t.app.get(JobProducer).queue(QUEUES.loanTapes).getJobScheduler(RETENTION_SCHEDULER);
      expect(scheduler).toMatchObject({ name: 'fan-out-cleanup', pattern: t.config.tapeCleanupCron });
    });
  });

  describe('without workers (tapes stay queued)', () => {
    let t: TestApp;
    const org = newOrg();
    let admin: string;

    beforeAll(async () => {
      // Its own queue prefix: no other test file's workers can pick these jobs up.
      t = await startApp({ PROCESS_ROLE: 'api', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_tapemerge` });
      admin = tokenFor(t.config, org);
    });
    afterAll(() => t.close());

    const generate = (configId: string, body: object = {}) =>
      t.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(admin)).send(body);

    it('merges a repeated request for the same config and date into the queued tape and job', async () => {
      const configId = await config(t, admin, 'csv');
      const first = await generate(configId);
      expect(first.status).toBe(202);
      // Today's date said explicitly is the same request as the default.
      const again = await generate(configId, { as_of_date: new Date().toISOString().slice(0, 10) });
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      // Racing requests too: one tape, one job.
      const racing = await Promise.all([1, 2, 3, 4].map(() => generate(configId)));
      for (const r of racing) expect(r.body).toEqual(first.body);
      const list = await t.http().get(`/loan-tapes?config_id=${configId}`).set(bearer(admin));
      expect(list.body.count).toBe(1);
      const waiting = await t.app.get(JobProducer).queue(QUEUES.loanTapes).getWaitingCount();
      expect(waiting).toBe(1);

      // Another config is another tape.
      const other = await generate(await config(t, admin, 'csv'));
      expect(other.status).toBe(202);
      expect(other.body.tape_id).not.toBe(first.body.tape_id);
      expect(other.body.job_id).not.toBe(first.body.job_id);
    });

    it('starts a new tape once the queued one has left the queue', async () => {
      const configId = await config(t, admin, 'csv');
      const first = await generate(configId);
      await withOrgSql(org, (c) => c.query(`UPDATE loan_tapes SET status = 'completed', storage_key = 'x', sha256 = 'y' WHERE id = $1`, [first.body.tape_id]));
      const next = await generate(configId);
      expect(next.status).toBe(202);
      expect(next.body.tape_id).not.toBe(first.body.tape_id);
    });
  });
});
