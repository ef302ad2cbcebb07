/**
 * `npm run seed -- --loans 100000 [--savings-clients 800000] [--org <uuid>]`: a realistic demo organization, then an
 * admin token for it. Each part owns one file in scripts/seed/; the loan side's parts run in order, the savings side beside the history.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { newApiKey, signToken } from '../src/common/auth/credentials';
import { isUuid } from '../src/common/ids/uuid';
import { loadDotEnv } from '../src/config/dotenv';
import { loadConfig } from '../src/config/env';
import { migrate } from '../src/database/migrate';
import { SeedContext } from './seed/context';
import { seed as history } from './seed/history';
import { seed as investors } from './seed/investors';
import { seed as loans } from './seed/loans';
import { seed as portfolios } from './seed/portfolios';
import { seed as savings } from './seed/savings';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  loadDotEnv();
  const config = loadConfig();
  const n = Number(arg('loans') ?? '100000');
  if (!Number.isInteger(n) || n < 0) throw new Error('--loans must be a whole number');
  const savingsArg = arg('savings-clients');
  const savingsClients = savingsArg === undefined ? undefined : Number(savingsArg);
  if (savingsClients !== undefined && (!Number.isInteger(savingsClients) || savingsClients < 0)) {
    throw new Error('--savings-clients must be a whole number');
  }
  const org = arg('org') ?? randomUUID();
  if (!isUuid(org)) throw new Error('--org must be a UUID');
  await migrate(config);
  let partnerKey = '';
  const client = new Client({ connectionString: config.databaseUrl });
  const savingsClient = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  await savingsClient.connect();
  const t0 = Date.now();
  const log = (msg: string) => process.stderr.write(`[seed ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
  try {
    // Session-level: every part's inserts default to this organization.
    for (const c of [client, savingsClient]) await c.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
    await client.query('INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING', [org]);
    const ctx: SeedContext = { client, org, loans: n, savingsClients, log };
    for (const part of [portfolios, loans]) await part(ctx);
    // The savings side shares nothing with the loan side: it runs on its own connection beside the
    // history, which is one process on one core for most of its minutes, not beside the loans'
    // insert (both slowed: 101 s for the loans at 1 M, against 39 s alone). Both finish before
    // either error is reported.
    const sides = await Promise.allSettled([
      (async () => {
        for (const part of [investors, history]) await part(ctx);
      })(),
      savings({ ...ctx, client: savingsClient }),
    ]);
    for (const side of sides) if (side.status === 'rejected') throw side.reason;
    partnerKey = await createPartnerKey(client);
  } finally {
    await client.end();
    await savingsClient.end();
  }
  log('done');
  // Tokens live 12 hours, or less where JWT_MAX_TTL_SECONDS says so (longer ones are refused).
  const ttl = Math.min(12 * 3600, config.jwtMaxTtlSeconds);
  const token = (role: 'admin' | 'owner') => signToken({ sub: `seed-${role}`, org, role }, config.jwtSecret, ttl);
  process.stdout.write(`organization:  ${org}\n`);
  process.stdout.write(`admin token:   ${token('admin')}\n`);
  process.stdout.write(`owner token:   ${token('owner')}\n`);
  process.stdout.write(`partner key:   ${partnerKey} (send as cdpapi-Subscription-Key to /financial-partners/…)\n`);
}

/** The savings partner's API key, made the way POST /api-keys makes one (only its hash is stored). */
async function createPartnerKey(client: Client): Promise<string> {
  const { key, hash, prefix } = newApiKey();
  await client.query(
    `INSERT INTO api_keys (name, role, key_hash, key_prefix, created_by) VALUES ('seed partner', 'admin', $1, $2, 'seed')`,
    [hash, prefix],
  );
  return key;
}

main().catch((err: Error) => {
  process.stderr.write(`seed failed: ${err.message}\n`);
  process.exit(1);
});
