/** `npm run token -- --org <uuid> --role admin [--sub me] [--hours 12]`: a token for local use. */
import { isRole } from '../src/common/auth/actor';
import { signToken } from '../src/common/auth/credentials';
import { isUuid } from '../src/common/ids/uuid';
import { loadDotEnv } from '../src/config/dotenv';
import { loadConfig } from '../src/config/env';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

loadDotEnv();
const org = arg('org');
const role = arg('role') ?? 'admin';
const hours = Number(arg('hours') ?? '12');
if (!isUuid(org)) {
  process.stderr.write('usage: npm run token -- --org <uuid> --role viewer|admin|owner [--sub id] [--hours N]\n');
  process.exit(2);
}
if (!isRole(role)) {
  process.stderr.write(`unknown role "${role}": use viewer, admin or owner\n`);
  process.exit(2);
}
const config = loadConfig();
if (!Number.isInteger(hours) || hours < 1 || hours * 3600 > config.jwtMaxTtlSeconds) {
  process.stderr.write(`--hours must be a whole number from 1 to ${config.jwtMaxTtlSeconds / 3600} (JWT_MAX_TTL_SECONDS)\n`);
  process.exit(2);
}
process.stdout.write(signToken({ sub: arg('sub') ?? 'local-user', org, role }, config.jwtSecret, hours * 3600) + '\n');
