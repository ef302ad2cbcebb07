import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/free-port';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A private Postgres cluster on its own port and data directory, so faults never reach the
 * machine's shared server. initdb and pg_ctl refuse root, so they run as the postgres user.
 */
export class ThrowawayPostgres {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pg-fault-'));
  port = freePort();
  private readonly data = path.join(this.dir, 'data');
  private readonly log = path.join(this.dir, 'postgres.log');
  running = false;

  url(database = 'portfolio_fault'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  init(): void {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const uid = Number(ids.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(this.dir, uid, gid);
    this.asPostgres('initdb', ['-D', this.data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  }

  start(): void {
    // A port can still be taken between asking and binding: try a fresh one, and say why if all fail.
    for (let attempt = 1; ; attempt++) {
      try {
        this.startOn(this.port);
        return;
      } catch (err) {
        if (attempt === 3) throw new Error(`${(err as Error).message}\n${this.logTail()}`);
        this.port = freePort();
      }
    }
  }

  private startOn(port: number): void {
    // fsync off and a small checkpoint budget: speed, and this data is thrown away anyway.
    const opts = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    this.asPostgres('pg_ctl', ['-D', this.data, '-o', opts, '-l', this.log, '-w', '-t', '120', 'start']);
    this.running = true;
  }

  private logTail(): string {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8').split('\n').slice(-20).join('\n') : '(no postgres log)';
  }

  /** `-m fast`: disconnects every client at once, as a crash or failover would. */
  stop(): void {
    this.asPostgres('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  restart(): void {
    this.asPostgres('pg_ctl', ['-D', this.data, '-l', this.log, '-m', 'fast', '-w', '-t', '60', 'restart']);
  }

  /** Best effort: runs in afterAll even when start never succeeded. */
  destroy(): void {
    spawnSync('runuser', ['-u', 'postgres', '--', path.join(BIN, 'pg_ctl'), '-D', this.data, '-m', 'immediate', '-w', 'stop'], {
      stdio: 'ignore',
    });
    this.running = false;
    // FAULT_KEEP=1 keeps the service logs (and data) for a post-mortem.
    if (process.env.FAULT_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs SQL through psql as the superuser and returns the unaligned output. */
  psql(sql: string, database = 'portfolio_fault'): string {
    const res = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', this.url(database)], {
      input: sql,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
    return res.stdout.trim();
  }

  private asPostgres(bin: string, args: string[]): void {
    const res = spawnSync('runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args], { encoding: 'utf8', cwd: this.dir });
    if (res.status !== 0) throw new Error(`${bin} ${args.at(-1)} failed: ${res.stderr || res.stdout}`);
  }
}
