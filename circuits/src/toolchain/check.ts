/**
 * `circuits:build --check`: does the committed `artifacts/` match the sources? Cheap enough for `npm test`.
 *
 * What is compared, and why it suffices:
 *  1. the compiler identity (circom2 package, circom version, circomlib version, flags) with the manifest;
 *  2. each circuit's source closure hash (generated main + every included file) with the manifest: the r1cs
 *     and wasm are deterministic functions of these inputs (checked by compiling twice), so equal hashes
 *     mean a recompile would give the recorded r1cs;
 *  3. the SHA-256 of every committed wasm, zkey and vkey with the manifest, and that each zkey was set up
 *     from the recorded r1cs;
 *  4. a real recompile into a temporary directory, comparing r1cs and wasm hashes: by default of the
 *     smallest circuits (≈ 10 s), which catches a compiler that reports the same version but compiles
 *     differently; with `full`, of every circuit (≈ 1 min on 2 cores, for the CI job on circuit changes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256File } from '../artifacts/hash.ts';
import { readManifest } from '../artifacts/manifest.ts';
import { ARTIFACTS_DIR } from '../artifacts/paths.ts';
import { artifactMatches } from '../artifacts/store.ts';
import { CIRCUIT_NAMES, CIRCUITS, type CircuitName } from '../registry.ts';
import { compileCircuit } from './compile.ts';
import type { ProgressLog } from './logger.ts';
import { compilerIdentity, sourceClosure } from './sources.ts';

/** Circuits under this many constraints are recompiled by the default check. */
export const SMOKE_RECOMPILE_MAX_CONSTRAINTS = 1_500;

export interface CheckOptions {
  /** Recompile every circuit instead of the smallest ones. */
  full?: boolean;
  /** Parallel circom2 processes; default 2. */
  jobs?: number;
  /** Artifacts directory to check; default the package's committed `artifacts/`. */
  artifactsDir?: string;
  log: ProgressLog;
}

export interface CheckProblem {
  circuit?: CircuitName | string;
  problem: string;
}

export interface CheckResult {
  ok: boolean;
  problems: CheckProblem[];
  recompiled: CircuitName[];
}

/** Checks the committed artifacts against the sources; never writes to `artifacts/`. */
export async function checkArtifacts(options: CheckOptions): Promise<CheckResult> {
  const { log } = options;
  const problems: CheckProblem[] = [];
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const manifestPath = join(artifactsDir, 'manifest.json');
  const manifest = await readManifest(manifestPath);
  if (!manifest) {
    return {
      ok: false,
      problems: [{ problem: `no manifest at ${manifestPath}; run npm run circuits:build` }],
      recompiled: [],
    };
  }
  const compiler = await compilerIdentity();
  if (JSON.stringify(compiler) !== JSON.stringify(manifest.compiler)) {
    problems.push({
      problem: `compiler changed: manifest ${JSON.stringify(manifest.compiler)}, installed ${JSON.stringify(compiler)}`,
    });
  }
  for (const name of Object.keys(manifest.circuits)) {
    if (!(CIRCUIT_NAMES as readonly string[]).includes(name)) {
      problems.push({ circuit: name, problem: 'in the manifest but not in the registry' });
    }
  }
  for (const name of CIRCUIT_NAMES) {
    const entry = manifest.circuits[name];
    if (!entry) {
      problems.push({ circuit: name, problem: 'not built' });
      continue;
    }
    const closure = await sourceClosure(CIRCUITS[name], compiler);
    if (closure.hash !== entry.sourceHash) {
      const changed = new Set([...Object.keys(closure.files), ...Object.keys(entry.sources)]);
      const files = [...changed].filter((f) => closure.files[f] !== entry.sources[f]);
      problems.push({
        circuit: name,
        problem: `sources changed${files.length ? `: ${files.join(', ')}` : ' (main, parameters or compiler)'}`,
      });
    }
    for (const kind of ['wasm', 'zkey', 'vkey'] as const) {
      if (!(await artifactMatches(entry.artifacts[kind], artifactsDir))) {
        problems.push({
          circuit: name,
          problem: `${entry.artifacts[kind].path} is missing or differs from the manifest`,
        });
      }
    }
    if (entry.setup.r1cs !== entry.r1cs)
      problems.push({ circuit: name, problem: 'zkey was set up from another r1cs' });
  }

  const recompile = CIRCUIT_NAMES.filter((name) => {
    const entry = manifest.circuits[name];
    return entry !== undefined && (options.full || entry.constraints < SMOKE_RECOMPILE_MAX_CONSTRAINTS);
  });
  const tmp = await mkdtemp(join(tmpdir(), 'privgate-circuits-check-'));
  try {
    let next = 0;
    const worker = async () => {
      while (next < recompile.length) {
        const name = recompile[next++]!;
        const entry = manifest.circuits[name]!;
        const closure = await sourceClosure(CIRCUITS[name], compiler);
        const result = await compileCircuit(CIRCUITS[name], closure.main, join(tmp, name));
        const r1cs = await sha256File(result.r1csPath);
        const wasm = await sha256File(result.wasmPath);
        log(`[check] ${name}: recompiled in ${result.seconds.toFixed(1)} s`);
        if (r1cs !== entry.r1cs)
          problems.push({ circuit: name, problem: 'recompiled r1cs differs from the manifest' });
        if (wasm !== entry.artifacts.wasm.sha256) {
          problems.push({ circuit: name, problem: 'recompiled wasm differs from the committed wasm' });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.jobs ?? 2, recompile.length) }, worker));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { ok: problems.length === 0, problems, recompiled: recompile };
}
