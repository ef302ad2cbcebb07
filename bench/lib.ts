import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { signToken } from '../src/common/auth/credentials';
import { Role } from '../src/common/auth/actor';
import { loadConfig } from '../src/config/env';

export interface BenchRow {
  case: string;
  service_ms: number;
  floor_ms?: number;
  /** Allowed overhead: the case passes when service ≤ factor × floor + slackMs. */
  target?: { factor: number; slackMs?: number } | { maxMs: number };
  extra?: Record<string, string | number>;
}

export interface Server {
  url: string;
  pid: number;
  token: (org: string, role?: Role) => string;
  /** Peak resident memory since the last reset, in MB. */
  peakRssMb: () => number;
  resetPeakRss: () => void;
  stop: () => Promise<void>;
}

export interface BenchContext {
  databaseUrl: string;
  server: Server;
  /** Number of loans the large cases use (BENCH_LOANS, default 1 000 000). */
  loans: number;
  /** Runs SQL through psql and returns wall-clock milliseconds. */
  psql: (sql: string) => number;
  /** Runs SQL through psql and returns its unaligned output. */
  psqlOut: (sql: string) => string;
  /** Times an async function in milliseconds. */
  time: <T>(fn: () => Promise<T>) => Promise<{ ms: number; value: T }>;
  /** Polls GET /jobs/{id} until completed (throws on failure). */
  /** `onPoll` sees every poll's body (the bench notes the progress values it observed). */
  waitJob: (token: string, statusUrl: string, timeoutMs?: number, onPoll?: (job: Record<string, unknown>) => void) => Promise<Record<string, unknown>>;
  fetchJson: (token: string, method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
}

/** Distinct `progress` values seen while polling a job, in order: proof that it moved. */
export function progressTrail(): { onPoll: (job: Record<string, unknown>) => void; seen: () => string } {
  const values: number[] = [];
  return {
    onPoll: (job) => {
      const p = job.progress;
      if (typeof p === 'number' && values[values.length - 1] !== p) values.push(p);
    },
    seen: () => values.join(' → '),
  };
}

export interface BenchCase {
  name: string;
  run: (ctx: BenchContext) => Promise<BenchRow[]>;
}

export function psqlRun(databaseUrl: string, sql: string): { ms: number; out: string } {
  const t0 = process.hrtime.bigint();
  const res = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl], {
    input: sql,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
  return { ms, out: res.stdout.trim() };
}

function readKb(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = 4100 + Math.floor(Math.random() * 800);
  // The server's own logs, for when a case fails: bench/results/server.log.
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const log = openSync(path.join(__dirname, 'results', 'server.log'), 'w');
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log],
  });
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`server exited unexpectedly (code ${code}, signal ${signal}); see bench/results/server.log\n`);
  });
  let stopping = false;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/health/ready`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  const config = loadConfig({ ...process.env, ...env });
  const pid = child.pid as number;
  return {
    url,
    pid,
    token: (org, role = 'admin') => signToken({ sub: 'bench', org, role }, config.jwtSecret, 24 * 3600),
    peakRssMb: () => Math.round(readKb(pid, 'VmHWM') / 1024),
    resetPeakRss: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // not permitted: the figure is then the peak since start
      }
    },
    stop: () =>
      new Promise((resolve) => {
        stopping = true;
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function formatRows(rows: BenchRow[]): string {
  const lines = ['| case | service | floor | ratio | target | verdict | notes |', '|---|---:|---:|---:|---|---|---|'];
  for (const r of rows) {
    const ratio = r.floor_ms ? (r.service_ms / r.floor_ms).toFixed(2) + '×' : '–';
    let target = '–';
    let verdict = '–';
    if (r.target && 'factor' in r.target) {
      const limit = r.target.factor * (r.floor_ms ?? 0) + (r.target.slackMs ?? 0);
      target = `≤ ${r.target.factor}× floor${r.target.slackMs ? ` + ${r.target.slackMs} ms` : ''}`;
      verdict = r.service_ms <= limit ? 'pass' : 'MISS';
    } else if (r.target && 'maxMs' in r.target) {
      target = `≤ ${r.target.maxMs} ms`;
      verdict = r.service_ms <= r.target.maxMs ? 'pass' : 'MISS';
    }
    const notes = Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    lines.push(
      `| ${r.case} | ${Math.round(r.service_ms)} ms | ${r.floor_ms !== undefined ? Math.round(r.floor_ms) + ' ms' : '–'} | ${ratio} | ${target} | ${verdict} | ${notes} |`,
    );
  }
  return lines.join('\n');
}

/** POSTs a CSV file as a stream (the client never holds it in memory either); answers status and body. */
export function postCsvFile(url: string, token: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'Content-Length': statSync(file).size } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}
