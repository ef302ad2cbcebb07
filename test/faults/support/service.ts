import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../support/free-port';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Role = 'api' | 'worker';

/**
 * The built service (`node dist/main.js`) as a real child process, so a fault can kill it
 * the way production would lose it: SIGKILL mid-job, SIGTERM for a rolling deploy.
 */
export class ServiceProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly role: Role,
    env: Record<string, string>,
    readonly logFile: string,
  ) {
    const port = freePort();
    this.url = `http://127.0.0.1:${port}`;
    const fd = openSync(logFile, 'a');
    this.child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      // A worker serves health and metrics on WORKER_HTTP_PORT: the same random port, so `url` fits both.
      env: { ...process.env, ...env, PROCESS_ROLE: role, PORT: String(port), WORKER_HTTP_PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** API: /health/ready answers 200. Worker: its boot line is in the log (its port has health only). */
  async ready(timeoutMs = 60_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`${this.role} exited during boot:\n${this.logTail()}`);
      if (this.role === 'worker') {
        if (readFileSync(this.logFile, 'utf8').includes('"workers started"')) return this;
      } else {
        try {
          if ((await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok) return this;
        } catch {
          // not listening yet
        }
      }
      await sleep(100);
    }
    throw new Error(`${this.role} not ready in ${timeoutMs} ms:\n${this.logTail()}`);
  }

  /** Sends a signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL') {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
