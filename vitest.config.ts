import { defineConfig } from 'vitest/config';

// One test command for the whole workspace: each package keeps its tests in `test/`.
export default defineConfig({
  test: {
    include: ['{accel,circuits,ledger,gateway,scripts}/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core machines: keep file-level parallelism modest so CPU-heavy suites do not starve each other.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
