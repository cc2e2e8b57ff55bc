/**
 * Groth16 phase 2 for one circuit: `zkey new` from the r1cs and the ptau, one contribution, one beacon,
 * then the verification key. With the development ptau the contribution is itself a beacon with a
 * circuit-specific public hash, so a rebuild gives byte-identical zkeys; with a ceremony ptau it uses
 * fresh entropy (and the operator should run further contributions before production).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../artifacts/hash.ts';
import { findPackageDir } from '../artifacts/paths.ts';
import { CircuitError } from '../errors.ts';
import { snarkjs } from '../vendor/snarkjs.ts';
import { type ProgressLog, snarkjsLogger } from './logger.ts';

export interface Groth16SetupOptions {
  circuit: string;
  r1csPath: string;
  ptauPath: string;
  zkeyPath: string;
  vkeyPath: string;
  /** Deterministic dev contribution, or fresh entropy. */
  contribution: 'dev-deterministic' | 'random';
  /** Hex beacon for the final step. */
  beacon: string;
  log: ProgressLog;
  /** Pass snarkjs's own info lines (hashes, steps) to the log. */
  verbose?: boolean;
}

/** Public beacon of the development phase 2: derived from the circuit name, so anyone can recompute it. */
export function devPhase2Beacon(circuit: string, step: 'contribution' | 'beacon'): string {
  return sha256(`PrivGate INSECURE development phase 2 ${step}: ${circuit}`);
}

/**
 * Runs Groth16 phase 2 and exports the verification key.
 * @throws {CircuitError} `SETUP_FAILED` when a snarkjs step fails.
 */
export async function groth16Setup(options: Groth16SetupOptions): Promise<void> {
  const { circuit, log } = options;
  const logger = snarkjsLogger(log, `[${circuit}]`, options.verbose);
  const stage0 = `${options.zkeyPath}.0000.tmp`;
  const stage1 = `${options.zkeyPath}.0001.tmp`;
  const stage2 = `${options.zkeyPath}.final.tmp`;
  const check = (ok: unknown, step: string) => {
    if (ok === false || ok === -1 || logger.errors.length > 0) {
      throw new CircuitError('SETUP_FAILED', `${circuit}: ${step} failed: ${logger.errors.join('; ')}`, {
        step,
        circuit,
      });
    }
  };
  try {
    log(`[${circuit}] groth16 setup (zkey new)`);
    check(await snarkjs.zKey.newZKey(options.r1csPath, options.ptauPath, stage0, logger), 'zkey new');
    if (options.contribution === 'dev-deterministic') {
      log(`[${circuit}] phase 2 contribution (deterministic, INSECURE development)`);
      check(
        await snarkjs.zKey.beacon(
          stage0,
          stage1,
          'PrivGate dev contribution',
          devPhase2Beacon(circuit, 'contribution'),
          10,
          logger,
        ),
        'contribution',
      );
    } else {
      log(`[${circuit}] phase 2 contribution (fresh entropy)`);
      check(
        await snarkjs.zKey.contribute(
          stage0,
          stage1,
          'PrivGate build contribution',
          randomBytes(64).toString('hex'),
          logger,
        ),
        'contribution',
      );
    }
    log(`[${circuit}] phase 2 beacon ${options.beacon}`);
    check(
      await snarkjs.zKey.beacon(stage1, stage2, 'PrivGate final beacon', options.beacon, 10, logger),
      'beacon',
    );
    const vkey = await snarkjs.zKey.exportVerificationKey(stage2, logger);
    await writeFile(options.vkeyPath, `${JSON.stringify(vkey, null, 1)}\n`);
    await rename(stage2, options.zkeyPath);
  } finally {
    for (const f of [stage0, stage1, stage2]) await rm(f, { force: true });
  }
}

/**
 * PLONK setup (optional): needs a ptau that covers the PLONK constraint count, about 5–10× the r1cs count.
 * @throws {CircuitError} `SETUP_FAILED` when snarkjs reports an error (typically a ptau too small).
 */
export async function plonkSetup(
  circuit: string,
  r1csPath: string,
  ptauPath: string,
  zkeyPath: string,
  vkeyPath: string,
  log: ProgressLog,
): Promise<void> {
  const logger = snarkjsLogger(log, `[${circuit} plonk]`);
  const ok = await snarkjs.plonk.setup(r1csPath, ptauPath, zkeyPath, logger);
  if (ok === false || ok === -1 || logger.errors.length > 0) {
    throw new CircuitError('SETUP_FAILED', `${circuit}: plonk setup failed: ${logger.errors.join('; ')}`, {
      step: 'plonk setup',
      circuit,
    });
  }
  const vkey = await snarkjs.zKey.exportVerificationKey(zkeyPath, logger);
  await writeFile(vkeyPath, `${JSON.stringify(vkey, null, 1)}\n`);
}

/** Exports a Solidity verifier for a Groth16 (or PLONK) zkey with snarkjs's own templates. */
export async function exportSolidityVerifier(
  zkeyPath: string,
  outPath: string,
  log: ProgressLog,
): Promise<void> {
  const templatesDir = join(findPackageDir('snarkjs'), 'templates');
  const templates = {
    groth16: await readFile(join(templatesDir, 'verifier_groth16.sol.ejs'), 'utf8'),
    plonk: await readFile(join(templatesDir, 'verifier_plonk.sol.ejs'), 'utf8'),
    fflonk: await readFile(join(templatesDir, 'verifier_fflonk.sol.ejs'), 'utf8'),
  };
  const code = await snarkjs.zKey.exportSolidityVerifier(
    zkeyPath,
    templates,
    snarkjsLogger(log, '[solidity]'),
  );
  await writeFile(outPath, code);
}
