import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts', 'test/e2e/global-setup.ts'],
          // A page waits for the server and the network: on a loaded 2-core machine a render can take seconds, so a
          // browser test waits up to 15 s for what it expects to appear (not a speed requirement; the default is 1 s).
          expect: { poll: { timeout: 15_000, interval: 100 } },
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
