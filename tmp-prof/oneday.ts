import { NestFactory } from '@nestjs/core';
import { execSync } from 'node:child_process';
import { AppModule } from '../src/app/app.module';
import { loadConfig } from '../src/config/env';
import { SnapshotRunService } from '../src/modules/snapshots/snapshot-run.service';

async function main() {
  const url = 'postgres://root@127.0.0.1:5432/portfolio_prof';
  const psql = (q: string) => execSync(`psql -X -q -At "${url}"`, { input: q }).toString().trim();
  const org = psql(`SELECT id FROM organizations LIMIT 1`);
  const day = process.argv[2];
  psql(`SET app.org_id = '${org}'; UPDATE loans SET principal_balance = principal_balance - 1 WHERE organization_id = '${org}' AND abs(hashtext(id::text || '${day}')) % 10 < 1;`);
  psql(`VACUUM loans; VACUUM loan_snapshot_pending; VACUUM loan_snapshot_heads; ANALYZE loan_snapshots_2026_10; CHECKPOINT;`);
  const config = loadConfig({ ...process.env, DATABASE_URL: url, PROCESS_ROLE: 'api', LOG_LEVEL: 'warn', QUEUE_PREFIX: `prof_${Date.now().toString(36)}` });
  const app = await NestFactory.createApplicationContext(AppModule.forRole(config), { logger: false });
  const t0 = Date.now();
  await app.get(SnapshotRunService).snapshotDay(org, day);
  console.log(`run ${day}: ${Date.now() - t0} ms`);
  await app.close();
}
void main();
