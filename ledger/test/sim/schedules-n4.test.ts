/**
 * Deterministic simulation, n = 4 (f = 1): 600 seeded schedules of Tendermint under delays, drops,
 * duplicates, reordering, healing partitions, crashes with restart from the WAL, and one Byzantine
 * validator whose behaviour the seed picks. Every schedule must keep safety, validity, verifiable
 * certificates, no honest double-signing, and liveness after GST (see invariants.ts).
 *
 * Signatures are HMAC-SHA256 with per-validator secrets (see hmac-crypto.ts for why not SM2 here).
 * Replay one failing seed with its trace: SIM_SEED=<seed> npx vitest run ledger/test/sim/schedules-n4.test.ts
 */
import { describe, expect, it } from 'vitest';
import { describeFailures, runBatch, seedChunks } from './batch.ts';

const FILE = 'ledger/test/sim/schedules-n4.test.ts';

describe('simulation, n = 4', () => {
  it.each(seedChunks(1, 600, 100).map((seeds) => [seeds[0], seeds.at(-1), seeds] as const))(
    'seeds %i–%i keep every invariant',
    (_first, _last, seeds) => {
      const report = runBatch(seeds, 4);
      expect(report.failures, describeFailures(report.failures, FILE)).toEqual([]);
      expect(report.heights).toBeGreaterThanOrEqual(seeds.length * 3); // every run decided k = 3+ heights
    },
  );
});
