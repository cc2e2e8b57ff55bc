/** The circuit toolchain: compile, trusted setup, artifacts manifest, freshness check. */

export { type CircuitManifestEntry, type Manifest, readManifest } from '../artifacts/manifest.ts';
export { ARTIFACTS_DIR, BUILD_DIR, MANIFEST_PATH, PTAU_DIR } from '../artifacts/paths.ts';
export { type BuildOptions, type BuildRow, buildCircuits, DEV_PTAU_POWER, domainPower } from './build.ts';
export { type CheckOptions, type CheckProblem, type CheckResult, checkArtifacts } from './check.ts';
export { type CompileResult, compileCircuit, type R1csInfo, readR1csInfo } from './compile.ts';
export type { ProgressLog } from './logger.ts';
export { createDevPtau, DEV_PTAU_BEACON, readPtauInfo } from './ptau.ts';
export { compilerIdentity, sourceClosure } from './sources.ts';
