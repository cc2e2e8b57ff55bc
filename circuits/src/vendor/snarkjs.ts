/**
 * Typed view of the parts of snarkjs 0.7 that PrivGate uses. snarkjs ships no type declarations; loading it
 * through a non-literal specifier keeps an ambient `declare module` out of the workspace, where another
 * package could declare the same module differently.
 */

/** A Groth16 proof as snarkjs encodes it: decimal strings, projective coordinates. */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

/** A verification key as exported by `zKey.exportVerificationKey`. */
export interface VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  [field: string]: unknown;
}

/** Logger shape snarkjs calls; every method is optional in practice, but snarkjs calls them unchecked. */
export interface SnarkjsLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  log(message: string): void;
}

/** An in-memory file for snarkjs's fastfile layer: `{ type: 'mem' }` gets filled with `data`. */
export interface MemFile {
  type: 'mem';
  data?: Uint8Array;
}

export type FileArg = string | MemFile | Uint8Array;

/** A loaded curve; it owns worker threads that must be terminated for the process to exit. */
export interface Curve {
  terminate(): Promise<void>;
}

export interface Snarkjs {
  groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasm: FileArg,
      zkey: FileArg,
      logger?: SnarkjsLogger,
      wtnsCalcOptions?: unknown,
      proverOptions?: unknown,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    prove(
      zkey: FileArg,
      witness: FileArg,
      logger?: SnarkjsLogger,
      options?: unknown,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(
      vkey: VerificationKey,
      publicSignals: string[],
      proof: Groth16Proof,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: string[]): Promise<string>;
  };
  plonk: {
    setup(r1cs: FileArg, ptau: FileArg, zkey: FileArg, logger?: SnarkjsLogger): Promise<unknown>;
  };
  wtns: {
    calculate(input: Record<string, unknown>, wasm: FileArg, wtns: FileArg, options?: unknown): Promise<void>;
  };
  powersOfTau: {
    newAccumulator(curve: Curve, power: number, file: string, logger?: SnarkjsLogger): Promise<unknown>;
    beacon(
      oldFile: string,
      newFile: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    preparePhase2(oldFile: string, newFile: string, logger?: SnarkjsLogger): Promise<unknown>;
  };
  zKey: {
    newZKey(r1cs: FileArg, ptau: FileArg, zkey: FileArg, logger?: SnarkjsLogger): Promise<unknown>;
    contribute(
      oldZkey: FileArg,
      newZkey: FileArg,
      name: string,
      entropy: string,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    beacon(
      oldZkey: FileArg,
      newZkey: FileArg,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    verifyFromR1cs(r1cs: FileArg, ptau: FileArg, zkey: FileArg, logger?: SnarkjsLogger): Promise<boolean>;
    exportVerificationKey(zkey: FileArg, logger?: SnarkjsLogger): Promise<VerificationKey>;
    exportSolidityVerifier(
      zkey: FileArg,
      templates: Record<string, string>,
      logger?: SnarkjsLogger,
    ): Promise<string>;
  };
  curves: {
    getCurveFromName(name: string, options?: unknown): Promise<Curve>;
  };
}

const SNARKJS = 'snarkjs';

/** snarkjs, loaded once per process (or worker). */
export const snarkjs: Snarkjs = (await import(SNARKJS)) as Snarkjs;

/**
 * Releases the worker threads behind snarkjs's cached BN254 curve so that a CLI process can exit.
 * Later snarkjs calls build the curve again.
 */
export async function releaseSnarkjsCurve(): Promise<void> {
  const cache = globalThis as { curve_bn128?: Curve | null };
  const curve = cache.curve_bn128;
  if (curve) {
    cache.curve_bn128 = null;
    await curve.terminate();
  }
}
