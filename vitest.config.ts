import { defineConfig } from 'vitest/config';

// One test command for the whole workspace: each package keeps its tests in `test/`.
//
// Two projects, run one after the other (`groupOrder`): the unit suites two files at a time, then the
// network suites — several processes or libp2p hosts with proving each — one file at a time. On 2 cores,
// running a 4-validator or 4-gateway network beside other CPU-bound files starved vitest's own RPC
// ("Timeout calling onTaskUpdate") and failed runs whose tests all passed.
const NETWORK_SUITES = [
  'ledger/test/e2e/**/*.test.ts',
  'ledger/test/app/crash.test.ts',
  'gateway/test/e2e/**/*.test.ts',
  'gateway/test/query/**/*.test.ts',
  'gateway/test/server/**/*.test.ts',
  'gateway/test/mpc-transport/**/*.test.ts',
  'scripts/test/e2e/**/*.test.ts',
];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 180_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    reporters: ['default'],
    // Worker counts are global in vitest 3; the network project narrows itself to one fork below.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['{accel,circuits,ledger,gateway,scripts}/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...NETWORK_SUITES],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'network',
          include: NETWORK_SUITES,
          // One fork for the whole project: its files run one after another.
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
