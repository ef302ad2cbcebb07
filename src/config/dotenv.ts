import { existsSync } from 'node:fs';

/**
 * Reads `.env` from the working directory when there is one, for `npm start`, `npm run token` and
 * the seed. Variables already in the environment win, so a deployment's settings are never
 * overridden by a stray file. Tests call `loadConfig` directly and never read it.
 */
export function loadDotEnv(file = '.env'): boolean {
  if (!existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}
