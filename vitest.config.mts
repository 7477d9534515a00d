import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts', 'api/**/*.test.ts', 'workflows/**/*.test.ts', 'activities/**/*.test.ts'],
    // Worker processes run the compiled dist/ (scripts/build.ts): rebuilt before every run, never stale.
    globalSetup: ['test/support/build-runtime.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests share one MariaDB, one Temporal dev server binary and 2 cores.
    fileParallelism: false,
    pool: 'forks',
    // The JSON report is what .ci/run counts ("N passed, N failed").
    reporters: ['default', 'json'],
    outputFile: { json: '.data/vitest-results.json' },
  },
});
