import type { Client } from 'pg';

/** Handed to every seed part: a connection whose transaction-free session acts for `org`. */
export interface SeedContext {
  client: Client;
  org: string;
  loans: number;
  /** Savings clients to create (`--savings-clients`); by default one per ten loans, at least 100. */
  savingsClients?: number;
  log: (msg: string) => void;
}
