import { Client } from 'pg';

/**
 * Direct SQL for test set-up (fixtures only; behaviour is always checked through HTTP).
 * Runs as the database owner with the organization set, so column defaults apply.
 */
export async function withOrgSql<T>(org: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
    return await work(c);
  } finally {
    await c.end();
  }
}
