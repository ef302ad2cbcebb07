/**
 * `npm run bench [-- case-name ...]`: each case times the service doing a job end to end
 * (HTTP request to completion) beside the same work done directly in Postgres, and prints
 * the ratio. Runs against its own database (portfolio_bench), rebuilt from migrations.
 */
import { execSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/env';
import { migrate } from '../src/database/migrate';
import { BenchCase, BenchContext, BenchRow, formatRows, psqlRun, startServer } from './lib';

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const base = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/portfolio_bench');
  const databaseUrl = base.toString();
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const dbName = base.pathname.slice(1);
  psqlRun(admin.toString(), `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE); CREATE DATABASE "${dbName}";`);
  const env = {
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `bench_${Date.now().toString(36)}`,
    RATE_LIMIT_MAX: '10000000',
    LOG_LEVEL: 'warn',
    PROCESS_ROLE: 'all',
    TAPE_STORAGE_DIR: process.env.TAPE_STORAGE_DIR ?? '/tmp/portfolio-bench-tapes',
  };
  await migrate(loadConfig({ ...process.env, ...env }));
  execSync('node scripts/build-if-needed.js', { stdio: 'inherit' });
  const server = await startServer(env);

  const ctx: BenchContext = {
    databaseUrl,
    server,
    loans: Number(process.env.BENCH_LOANS ?? 1_000_000),
    psql: (sql) => psqlRun(databaseUrl, sql).ms,
    psqlOut: (sql) => psqlRun(databaseUrl, sql).out,
    time: async (fn) => {
      const t0 = process.hrtime.bigint();
      const value = await fn();
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
    },
    // A fresh connection per call: a pooled keep-alive socket can sit idle past the server's
    // keep-alive timeout while a case loads data, and reusing it fails the request.
    fetchJson: (token, method, p, body) =>
      new Promise((resolve, reject) => {
        const payload = body !== undefined ? JSON.stringify(body) : undefined;
        const req = http.request(
          server.url + p,
          {
            method,
            agent: false,
            headers: {
              Authorization: `Bearer ${token}`,
              ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
    waitJob: async (token, statusUrl, timeoutMs = 600_000, onPoll) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await ctx.fetchJson(token, 'GET', statusUrl);
        onPoll?.(res.body ?? {});
        if (res.body?.state === 'completed') return res.body;
        if (res.body?.state === 'failed') throw new Error(`job failed: ${res.body.failed_reason}`);
        if (Date.now() > deadline) throw new Error(`job timed out: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };

  const dir = path.join(__dirname, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const rows: BenchRow[] = [];
  try {
    for (const f of files) {
      const mod = (await import(path.join(dir, f))) as { default: BenchCase };
      const c = mod.default;
      if (only.length && !only.some((o) => c.name.includes(o) || f.includes(o))) continue;
      process.stdout.write(`▶ ${c.name}\n`);
      const got = await c.run(ctx);
      for (const r of got) process.stdout.write(formatRows([r]).split('\n')[2] + '\n');
      rows.push(...got);
    }
  } finally {
    await server.stop();
  }
  const header = `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${cpus()[0]?.model ?? ''}; loans=${ctx.loans}`;
  const table = formatRows(rows);
  process.stdout.write(`\n${header}\n\n${table}\n`);
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'latest.md'), `${header}\n\n${table}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
