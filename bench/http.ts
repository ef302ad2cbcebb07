/**
 * `npm run bench:http`: autocannon over the main read endpoints against a seeded organization
 * (BENCH_HTTP_LOANS, default 1 000 000), 50 connections for BENCH_HTTP_SECONDS (default 30) each,
 * with the rate limit raised. Prints requests/s, p50/p99 latency and errors per scenario.
 * Each scenario first runs unmeasured for BENCH_HTTP_WARMUP seconds (default 5), so the figures
 * are of a warm process (JIT-compiled code, loaded pages), as a service in production is.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { psqlRun, startServer } from './lib';

interface Scenario {
  name: string;
  kind: 'single' | 'list';
  paths: string[];
}

async function load(url: string, token: string, s: Scenario, seconds: number) {
  let i = 0;
  return autocannon({
    url,
    connections: 50,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (req) => {
          req.path = s.paths[i++ % s.paths.length];
          return req;
        },
      },
    ],
  });
}

async function run(url: string, token: string, s: Scenario, seconds: number, warmup: number) {
  if (warmup > 0) await load(url, token, s, warmup);
  const result = await load(url, token, s, seconds);
  const non2xx = result.non2xx + result.errors + result.timeouts;
  const p99Limit = s.kind === 'single' ? 50 : 150;
  return {
    scenario: s.name,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: non2xx,
    target: `p99 < ${p99Limit} ms, 0 errors`,
    verdict: result.latency.p99 < p99Limit && non2xx === 0 ? 'pass' : 'MISS',
  };
}

async function main() {
  const loans = Number(process.env.BENCH_HTTP_LOANS ?? 1_000_000);
  const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 30);
  const warmup = Number(process.env.BENCH_HTTP_WARMUP ?? 5);
  const databaseUrl = process.env.BENCH_HTTP_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/portfolio_bench_http';
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const dbName = new URL(databaseUrl).pathname.slice(1);
  // BENCH_HTTP_REUSE=1 measures again against the database the last run seeded.
  const reuse = process.env.BENCH_HTTP_REUSE === '1';
  if (!reuse) psqlRun(admin.toString(), `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE); CREATE DATABASE "${dbName}";`);
  const env = { DATABASE_URL: databaseUrl, RATE_LIMIT_MAX: '10000000', LOG_LEVEL: 'warn', QUEUE_PREFIX: `benchhttp_${Date.now().toString(36)}` };

  const seeded = reuse
    ? `organization: ${psqlRun(databaseUrl, 'SELECT organization_id FROM loans LIMIT 1').out}`
    : seed();
  function seed(): string {
    process.stdout.write(`seeding ${loans} loans…\n`);
    return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/seed.ts', '--loans', String(loans)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
    });
  }
  const org = /organization:\s+(\S+)/.exec(seeded)?.[1];
  if (!org) throw new Error('seed printed no organization');
  psqlRun(databaseUrl, 'VACUUM ANALYZE');

  const sample = (sql: string) => psqlRun(databaseUrl, sql).out.split('\n').filter(Boolean);
  const loanIds = sample(`SELECT id FROM loans WHERE organization_id = '${org}' ORDER BY random() LIMIT 2000`);
  const portfolioIds = sample(`SELECT id FROM portfolios WHERE organization_id = '${org}'`);
  if (!loanIds.length || !portfolioIds.length) throw new Error('seed produced no loans or portfolios');

  execFileSync('node', ['scripts/build-if-needed.js'], { stdio: 'inherit' });
  const server = await startServer(env);
  const token = server.token(org, 'viewer');
  const scenarios: Scenario[] = [
    { name: 'GET /loans/{id}', kind: 'single', paths: loanIds.map((id) => `/loans/${id}`) },
    { name: 'GET /portfolios/{id}', kind: 'single', paths: portfolioIds.map((id) => `/portfolios/${id}`) },
    { name: 'GET /loans?cursor (50 a page)', kind: 'list', paths: ['/loans?cursor=&page_size=50', '/loans?cursor=&page_size=50&status=active'] },
    {
      name: 'GET /loans?page=N (50 a page, filtered)',
      kind: 'list',
      paths: portfolioIds.flatMap((id) => [1, 2, 3].map((page) => `/loans?portfolio_id=${id}&page=${page}&page_size=50`)),
    },
    { name: 'GET /portfolios (list)', kind: 'list', paths: ['/portfolios?page_size=50'] },
    { name: 'GET /portfolios/{id}/loans?cursor', kind: 'list', paths: portfolioIds.map((id) => `/portfolios/${id}/loans?cursor=&page_size=50`) },
  ];
  const rows = [];
  try {
    for (const s of scenarios) {
      process.stdout.write(`▶ ${s.name}\n`);
      rows.push(await run(server.url, token, s, seconds, warmup));
    }
  } finally {
    await server.stop();
  }
  const header = `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; loans=${loans}; 50 connections × ${seconds} s per scenario after ${warmup} s of warm-up`;
  const table = [
    '| scenario | requests | req/s | p50 | p99 | errors | target | verdict |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.scenario} | ${r.requests} | ${r.rps} | ${r.p50} ms | ${r.p99} ms | ${r.errors} | ${r.target} | ${r.verdict} |`),
  ].join('\n');
  process.stdout.write(`\n${header}\n\n${table}\n`);
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'http.md'), `${header}\n\n${table}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:http failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
