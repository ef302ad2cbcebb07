import { execFileSync } from 'node:child_process';

/**
 * A port the OS says is free right now. A random pick in a range collided with other test
 * servers and with the kernel's ephemeral ports (CI saw a throwaway Postgres fail to start).
 * Synchronous, because constructors need it at once: a tiny node process asks for port 0.
 */
export function freePort(): number {
  const script = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
