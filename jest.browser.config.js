/**
 * Browser tests: Debian's chromium (installed by .ci/run) driven by playwright-core, against the
 * service on a non-loopback address of this machine. `npm run test:browser`.
 */
module.exports = {
  testTimeout: 120000,
  forceExit: true,
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
