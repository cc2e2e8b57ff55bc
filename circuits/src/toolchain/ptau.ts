/**
 * Powers of Tau for Groth16 phase 2: a deterministic, INSECURE development ceremony, or a ceremony file
 * given by the operator (e.g. the Hermez/Polygon `powersOfTau28_hez_final_NN.ptau`, already prepared).
 *
 * The development ceremony is `powersoftau new` followed by one public beacon with a fixed hash: anyone
 * can recompute tau from the beacon, so proofs made with its keys prove nothing to a third party. It exists
 * so that a clean clone can rebuild every artifact offline and get byte-identical files.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CircuitError } from '../errors.ts';
import { snarkjs } from '../vendor/snarkjs.ts';
import { type ProgressLog, snarkjsLogger } from './logger.ts';

/** Beacon of the development ceremony: SHA-256 of a public sentence, so the toxic waste is public too. */
export const DEV_PTAU_BEACON = createHash('sha256')
  .update('PrivGate INSECURE development powers of tau: tau is public, never use in production')
  .digest('hex');
export const DEV_PTAU_BEACON_ITERATIONS_EXP = 10;

/** Header facts of a ptau file that decide whether it can serve a circuit. */
export interface PtauInfo {
  /** log2 of the largest Groth16 domain the file supports. */
  power: number;
  /** Whether `powersoftau prepare phase2` has run (section 12 present): required by Groth16 setup. */
  prepared: boolean;
}

/**
 * Reads the power and phase-2 readiness from a ptau file header without loading the file.
 * @throws {CircuitError} `PTAU_INVALID` when the file is not a ptau file.
 */
export async function readPtauInfo(path: string): Promise<PtauInfo> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    await file.read(head, 0, 12, 0);
    if (head.toString('ascii', 0, 4) !== 'ptau') {
      throw new CircuitError('PTAU_INVALID', `${path} is not a ptau file`, { path });
    }
    const sectionCount = head.readUInt32LE(8);
    const { size } = await stat(path);
    let offset = 12;
    let power = -1;
    let prepared = false;
    const sectionHead = Buffer.alloc(12);
    for (let i = 0; i < sectionCount && offset + 12 <= size; i++) {
      await file.read(sectionHead, 0, 12, offset);
      const type = sectionHead.readUInt32LE(0);
      const length = Number(sectionHead.readBigUInt64LE(4));
      if (type === 1) {
        // Header section: n8 (u32), q (n8 bytes), power (u32), ceremonyPower (u32).
        const n8Buf = Buffer.alloc(4);
        await file.read(n8Buf, 0, 4, offset + 12);
        const n8 = n8Buf.readUInt32LE(0);
        const powerBuf = Buffer.alloc(4);
        await file.read(powerBuf, 0, 4, offset + 12 + 4 + n8);
        power = powerBuf.readUInt32LE(0);
      }
      if (type === 12) prepared = true;
      offset += 12 + length;
    }
    if (power < 0) throw new CircuitError('PTAU_INVALID', `${path} has no ptau header`, { path });
    return { power, prepared };
  } finally {
    await file.close();
  }
}

/**
 * Creates the deterministic development ptau of 2^power (new → beacon → prepare phase2). Writes through a
 * temporary file and renames, so an interrupted run never leaves a truncated file at `path`.
 * Slow: about 10 minutes for 2^14 and 25 for 2^15 on a busy 2-core machine, almost all in prepare phase2.
 * @throws {CircuitError} `SETUP_FAILED` when a snarkjs step reports an error.
 */
export async function createDevPtau(power: number, path: string, log: ProgressLog): Promise<void> {
  if (!Number.isInteger(power) || power < 8 || power > 20)
    throw new RangeError(`power out of range: ${power}`);
  await mkdir(dirname(path), { recursive: true });
  const stage0 = `${path}.0000.tmp`;
  const stage1 = `${path}.beacon.tmp`;
  const stage2 = `${path}.prepared.tmp`;
  const logger = snarkjsLogger(log, `[ptau 2^${power}]`);
  const fail = (step: string): never => {
    throw new CircuitError('SETUP_FAILED', `ptau ${step} failed: ${logger.errors.join('; ')}`, {
      step,
      path,
    });
  };
  try {
    log(`[ptau 2^${power}] powersoftau new (INSECURE development ceremony)`);
    const curve = await snarkjs.curves.getCurveFromName('bn128');
    await snarkjs.powersOfTau.newAccumulator(curve, power, stage0, logger);
    log(`[ptau 2^${power}] beacon ${DEV_PTAU_BEACON}`);
    const beaconOk = await snarkjs.powersOfTau.beacon(
      stage0,
      stage1,
      'PrivGate INSECURE development beacon',
      DEV_PTAU_BEACON,
      DEV_PTAU_BEACON_ITERATIONS_EXP,
      logger,
    );
    if (beaconOk === false) fail('beacon');
    log(`[ptau 2^${power}] prepare phase2 (the slow step)`);
    const prepareOk = await snarkjs.powersOfTau.preparePhase2(stage1, stage2, logger);
    if (prepareOk === false) fail('prepare phase2');
    await rename(stage2, path);
    log(`[ptau 2^${power}] written ${path}`);
  } finally {
    await rm(stage0, { force: true });
    await rm(stage1, { force: true });
    await rm(stage2, { force: true });
  }
}
