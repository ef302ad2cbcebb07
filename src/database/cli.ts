import { loadConfig } from '../config/env';
import { migrate } from './migrate';

migrate(loadConfig())
  .then((ran) => {
    process.stdout.write(ran.length ? `applied: ${ran.join(', ')}\n` : 'schema is up to date\n');
  })
  .catch((err: Error) => {
    process.stderr.write(`migration failed: ${err.message}\n`);
    process.exit(1);
  });
