/**
 * Fault-injection suite: kills workers, stops Redis and Postgres, sends SIGTERM under load.
 * Each spec starts its own Postgres cluster and Redis server on random ports, and the built
 * service as child processes, so the files run one at a time on purpose.
 */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  // A killed worker's job comes back only after its 30 s BullMQ lock expires and a stalled check sees it.
  testTimeout: 180000,
  maxWorkers: 1,
};
