/**
 * `node dist/tools/scripts/healthcheck.js`: the image's HEALTHCHECK, with no curl in a slim image.
 * Asks the process's own liveness endpoint: the API's port, or the worker's ops port.
 */
import http from 'node:http';

const role = process.env.PROCESS_ROLE ?? 'all';
const port = role === 'worker' ? (process.env.WORKER_HTTP_PORT ?? '3001') : (process.env.PORT ?? '3000');
const path = process.argv[2] ?? '/health/live';

const req = http.get({ host: '127.0.0.1', port: Number(port), path, timeout: 2500 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
