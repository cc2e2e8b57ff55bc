// One full trusted setup → prove → verify round trip, as snarkjs's test/fullprocess.js does, on the
// smallest circuit with a throwaway 2^9 ptau: the toolchain's own build path, then the TypeScript prover.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CircuitProver, createCircomlibPoseidon, thresholdInput, verifyProof } from '../../src/index.ts';
import { buildCircuits, createDevPtau, readManifest } from '../../src/toolchain/index.ts';

const dir = await mkdtemp(join(tmpdir(), 'privgate-setup-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('builds, sets up, proves and verifies Threshold; rejects a tampered proof and public signal', async () => {
  const log = () => {};
  const ptau = join(dir, 'test-9.ptau');
  await createDevPtau(9, ptau, log);
  const artifactsDir = join(dir, 'artifacts');
  const rows = await buildCircuits({
    circuits: ['threshold'],
    ptau,
    artifactsDir,
    buildDir: join(dir, 'build'),
    log,
  });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ circuit: 'threshold', compiled: true, setUp: true, domainPower: 9 });
  const manifest = await readManifest(join(artifactsDir, 'manifest.json'));
  expect(manifest?.ptau.kind).toBe('ceremony');
  expect(manifest?.circuits.threshold?.setup.contribution).toBe('random');

  const hasher = await createCircomlibPoseidon();
  const prover = await CircuitProver.load('threshold', { artifactsDir });
  const { proof, publicSignals } = await prover.prove(
    thresholdInput(hasher, { value: 700n, blinding: 99n, threshold: 1000n, direction: 'le' }),
  );
  expect(await prover.verify(proof, publicSignals)).toBe(true);

  // A proof element replaced by another valid curve point, and a public signal changed by one.
  expect(await prover.verify({ ...proof, pi_c: proof.pi_a }, publicSignals)).toBe(false);
  const signals = [...publicSignals];
  signals[1] = (BigInt(signals[1]!) + 1n).toString();
  expect(await prover.verify(proof, signals)).toBe(false);
  // The committed keys come from another setup: this proof must not verify under them.
  expect(await verifyProof('threshold', proof, publicSignals)).toBe(false);
}, 240_000);
