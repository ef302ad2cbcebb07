import type { Client } from 'pg';

/** Handed to every seed part: a connection whose transaction-free session acts for `org`. */
export interface SeedContext {
  client: Client;
  org: string;
  loans: number;
  log: (msg: string) => void;
}
