// ESM TypeScript through ts-jest: @kubernetes/client-node 1.x is ESM-only, so the project is ESM end to end.
const esm = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  testEnvironment: 'node',
};

export default {
  projects: [
    // Unit tests sit beside the source they test; test/unit holds those about the repository as a whole.
    { ...esm, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'] },
    { ...esm, displayName: 'server', testMatch: ['<rootDir>/test/server/**/*.test.ts'] },
    { ...esm, displayName: 'property', testMatch: ['<rootDir>/test/property/**/*.test.ts'] },
    { ...esm, displayName: 'redis', testMatch: ['<rootDir>/test/redis/**/*.test.ts'] },
    // Not part of npm test: npm run bench:failover.
    { ...esm, displayName: 'bench', testMatch: ['<rootDir>/test/bench/**/*.bench.ts'] },
    {
      ...esm,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/globalSetup.mjs',
      globalTeardown: '<rootDir>/test/e2e/globalTeardown.mjs',
    },
  ],
};
