/**
 * Four tiers: unit (no infrastructure), integration (real broker and database), end to end (the whole
 * stack), and the fault cases (a whole stack each, under a fault).
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { swcrc: true }] };
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 60_000,
  globalSetup: '<rootDir>/libs/testing/jest-global-setup.js',
  globalTeardown: '<rootDir>/libs/testing/jest-global-teardown.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,infra,tools,bench}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,infra}/**/*.int-spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/src/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/e2e/jest-setup.ts'],
    },
    // The fault cases each stream 50,000 samples through a whole stack: `npm test` runs them one at a time, after the rest.
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/e2e/faults/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/e2e/jest-setup.ts'],
    },
  ],
};
