/**
 * `circuits:build`: compile what changed, set up what changed, write artifacts and the manifest.
 *
 * A circuit is recompiled when its source closure hash (main, includes, circomlib, compiler, flags) differs
 * from the manifest or its wasm is missing; it is set up again only when the r1cs hash changed, its zkey or
 * vkey is missing or modified, or a different ptau is given. Setup never runs on a user's or CI's path:
 * the artifacts are committed.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../artifacts/hash.ts';
import { readArtifact } from '../artifacts/load.ts';
import {
  type ArtifactEntry,
  type CircuitManifestEntry,
  MANIFEST_VERSION,
  type Manifest,
  type PtauEntry,
  readManifest,
  writeManifest,
} from '../artifacts/manifest.ts';
import { ARTIFACTS_DIR, artifactPaths, BUILD_DIR, findPackageDir, PTAU_DIR } from '../artifacts/paths.ts';
import { artifactMatches, storeArtifact } from '../artifacts/store.ts';
import { CircuitError } from '../errors.ts';
import { CIRCUIT_NAMES, CIRCUITS, type CircuitName, signalSize } from '../registry.ts';
import { type CompileResult, compileCircuit, readR1csInfo } from './compile.ts';
import type { ProgressLog } from './logger.ts';
import { createDevPtau, readPtauInfo } from './ptau.ts';
import { devPhase2Beacon, exportSolidityVerifier, groth16Setup, plonkSetup } from './setup.ts';
import { type CompilerIdentity, compilerIdentity, type SourceClosure, sourceClosure } from './sources.ts';

/** Power of the development ptau: covers every compiled circuit (the largest, the batch, needs 2^14). */
export const DEV_PTAU_POWER = 14;

export const MANIFEST_WARNING =
  'Keys built from the dev ptau are INSECURE: its tau is public (deterministic beacon). Rebuild with --ptau <ceremony file> for production.';

export interface BuildOptions {
  /** Circuits to consider; default all. */
  circuits?: readonly CircuitName[];
  /** A prepared ceremony ptau; default the development ptau (created on first need). */
  ptau?: string;
  /** Hex beacon for the final phase-2 step with a ceremony ptau. */
  beacon?: string;
  /** Rebuild even if nothing changed. */
  force?: boolean;
  /** Also write PLONK zkeys/vkeys to build/export (not committed). */
  plonk?: boolean;
  /** Also write Solidity Groth16 verifiers to build/export (not committed). */
  solidity?: boolean;
  /** Parallel circom2 processes; default 2. */
  jobs?: number;
  /** Show snarkjs's own progress lines (contribution hashes, steps). */
  verbose?: boolean;
  /** Where artifacts and the manifest go; default the package's committed `artifacts/`. */
  artifactsDir?: string;
  /** Where r1cs, sym, generated mains, the dev ptau and exports go; default `build/` (not committed). */
  buildDir?: string;
  log: ProgressLog;
}

export interface BuildRow {
  circuit: CircuitName;
  constraints: number;
  wires: number;
  domainPower: number;
  compiled: boolean;
  setUp: boolean;
  compileSeconds: number;
}

/** Directory of a circuit's local compile outputs. */
export function compileDir(circuit: string, buildDir = BUILD_DIR): string {
  return join(buildDir, 'compile', circuit);
}

/** The r1cs a build left in its compile directory. */
export function r1csPathOf(circuit: string, buildDir = BUILD_DIR): string {
  return join(compileDir(circuit, buildDir), `${circuit}_main.r1cs`);
}

/** The uncompressed zkey a build left in its compile directory. */
export function zkeyPathOf(circuit: string, buildDir = BUILD_DIR): string {
  return join(compileDir(circuit, buildDir), `${circuit}.zkey`);
}

/** Groth16 domain power snarkjs picks: floor(log2(constraints + public signals)) + 1. */
export function domainPower(constraints: number, publicSignals: number): number {
  return Math.floor(Math.log2(constraints + publicSignals)) + 1;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function resolvePtau(
  options: BuildOptions,
  required: number,
): Promise<{ path: string; entry: PtauEntry }> {
  if (options.ptau) {
    const info = await readPtauInfo(options.ptau);
    if (!info.prepared) {
      throw new CircuitError('PTAU_INVALID', `${options.ptau} is not prepared for phase 2`, {
        path: options.ptau,
      });
    }
    if (info.power < required) {
      throw new CircuitError(
        'PTAU_INVALID',
        `${options.ptau} is 2^${info.power}, circuits need 2^${required}`,
        {
          path: options.ptau,
          power: info.power,
          required,
        },
      );
    }
    return {
      path: options.ptau,
      entry: {
        kind: 'ceremony',
        power: info.power,
        sha256: await sha256File(options.ptau),
        file: options.ptau.split('/').pop()!,
      },
    };
  }
  const power = Math.max(DEV_PTAU_POWER, required);
  const path = join(options.buildDir ? join(options.buildDir, 'ptau') : PTAU_DIR, `dev-${power}.ptau`);
  try {
    await stat(path);
  } catch {
    options.log(
      `[ptau] ${path} not found: running the INSECURE development ceremony for 2^${power} ` +
        '(prepare phase2 takes 10+ minutes on 2 cores; pass --ptau <file> to use a ceremony file instead)',
    );
    await createDevPtau(power, path, options.log);
  }
  return {
    path,
    entry: { kind: 'dev-insecure', power, sha256: await sha256File(path), file: `dev-${power}.ptau` },
  };
}

/**
 * Builds the circuits: compile, Groth16 setup, artifacts, manifest.
 * @throws {CircuitError} `COMPILE_FAILED`, `SETUP_FAILED` or `PTAU_INVALID`.
 */
export async function buildCircuits(options: BuildOptions): Promise<BuildRow[]> {
  const { log } = options;
  const names = options.circuits ?? CIRCUIT_NAMES;
  const artifactsDir = options.artifactsDir ?? ARTIFACTS_DIR;
  const buildDir = options.buildDir ?? BUILD_DIR;
  const manifestPath = join(artifactsDir, 'manifest.json');
  const compiler = await compilerIdentity();
  const previous = await readManifest(manifestPath);
  const manifest: Manifest = previous ?? {
    version: MANIFEST_VERSION,
    warning: MANIFEST_WARNING,
    compiler,
    snarkjs: '',
    ptau: { kind: 'dev-insecure', power: DEV_PTAU_POWER, sha256: '', file: '' },
    circuits: {},
  };
  const compilerChanged = JSON.stringify(manifest.compiler) !== JSON.stringify(compiler);
  const closures = new Map<CircuitName, SourceClosure>();
  for (const name of names) closures.set(name, await sourceClosure(CIRCUITS[name], compiler));

  const toCompile: CircuitName[] = [];
  for (const name of names) {
    const entry = manifest.circuits[name];
    const fresh =
      !options.force &&
      !compilerChanged &&
      entry?.sourceHash === closures.get(name)!.hash &&
      (await artifactMatches(entry.artifacts.wasm, artifactsDir));
    if (!fresh) toCompile.push(name);
  }
  log(
    `[build] ${names.length} circuits, ${toCompile.length} to compile${toCompile.length ? `: ${toCompile.join(', ')}` : ''}`,
  );

  const compiled = new Map<CircuitName, CompileResult>();
  let done = 0;
  await mapLimit(toCompile, options.jobs ?? 2, async (name) => {
    log(`[compile] ${name} …`);
    const result = await compileCircuit(CIRCUITS[name], closures.get(name)!.main, compileDir(name, buildDir));
    compiled.set(name, result);
    done++;
    log(
      `[compile ${done}/${toCompile.length}] ${name}: ${result.constraints} constraints, ${result.wires} wires, ${result.seconds.toFixed(1)} s`,
    );
  });

  // Decide setups: r1cs changed, outputs missing or modified, or keys from another ptau than the one in use
  // (the given ceremony file, or the development ptau when it is already on disk; it is deterministic, so
  // when it is absent the committed keys are taken to come from it).
  const devPtau = join(buildDir, 'ptau', `dev-${DEV_PTAU_POWER}.ptau`);
  const ptauInUse = options.ptau ?? ((await stat(devPtau).catch(() => undefined)) ? devPtau : undefined);
  const ptauHash = ptauInUse ? await sha256File(ptauInUse) : undefined;
  const toSetUp: CircuitName[] = [];
  const r1csHashes = new Map<CircuitName, string>();
  for (const name of names) {
    const entry = manifest.circuits[name];
    const result = compiled.get(name);
    const r1cs = result ? await sha256File(result.r1csPath) : entry?.r1cs;
    if (r1cs) r1csHashes.set(name, r1cs);
    const outputsOk =
      entry !== undefined &&
      (await artifactMatches(entry.artifacts.zkey, artifactsDir)) &&
      (await artifactMatches(entry.artifacts.vkey, artifactsDir));
    const sameR1cs = entry !== undefined && r1cs === entry.setup.r1cs;
    // Keys from a ceremony are only replaced by another ptau when one is given explicitly.
    const ceremonyKeys = entry?.setup.contribution === 'random' && !options.ptau;
    const samePtau = ptauHash === undefined || ceremonyKeys || entry?.setup.ptau === ptauHash;
    if (options.force || !outputsOk || !sameR1cs || !samePtau) toSetUp.push(name);
  }
  const ceremonyBuilt = toSetUp.filter((name) => manifest.circuits[name]?.setup.contribution === 'random');
  if (!options.ptau && !options.force && ceremonyBuilt.length > 0) {
    throw new CircuitError(
      'PTAU_INVALID',
      `${ceremonyBuilt.join(', ')} must be set up again but their keys come from a ceremony ptau: pass --ptau ` +
        '(or --force to replace every key with INSECURE development keys)',
      { path: devPtau },
    );
  }

  // A setup needs the r1cs: recompile the ones that were fresh but whose local r1cs is gone.
  for (const name of toSetUp) {
    if (compiled.has(name)) continue;
    const r1csPath = r1csPathOf(name, buildDir);
    const local = await sha256File(r1csPath).catch(() => undefined);
    if (local !== undefined && local === r1csHashes.get(name)) continue;
    log(`[compile] ${name}: r1cs needed for setup, recompiling`);
    compiled.set(
      name,
      await compileCircuit(CIRCUITS[name], closures.get(name)!.main, compileDir(name, buildDir)),
    );
  }

  const info = async (name: CircuitName) =>
    compiled.get(name) ?? (await readR1csInfo(r1csPathOf(name, buildDir)));

  let ptau: { path: string; entry: PtauEntry } | undefined;
  if (toSetUp.length > 0) {
    let required = 0;
    for (const name of toSetUp) {
      const i = await info(name);
      required = Math.max(required, domainPower(i.constraints, publicCount(name)));
    }
    ptau = await resolvePtau(options, required);
    log(
      `[setup] ${toSetUp.length} circuits with ptau ${ptau.entry.file} (2^${ptau.entry.power}, ${ptau.entry.kind})`,
    );
  }

  const snarkjsPackage = await readFile(join(findPackageDir('snarkjs'), 'package.json'), 'utf8');
  const snarkjsVersion = (JSON.parse(snarkjsPackage) as { version: string }).version;

  const rows: BuildRow[] = [];
  let setupIndex = 0;
  for (const name of names) {
    const def = CIRCUITS[name];
    const paths = artifactPaths(name);
    await mkdir(join(artifactsDir, name), { recursive: true });
    const result = compiled.get(name);
    const stored: Partial<Record<'wasm' | 'zkey' | 'vkey', ArtifactEntry>> = {};
    if (result) stored.wasm = await storeArtifact(artifactsDir, paths.wasm, await readFile(result.wasmPath));
    const old = manifest.circuits[name];
    const closure = closures.get(name)!;
    const sizes =
      result ??
      (old ? { constraints: old.constraints, wires: old.wires, seconds: old.compileSeconds } : undefined);
    if (!sizes)
      throw new CircuitError('ARTIFACT_MISSING', `${name} was neither built nor in the manifest`, {
        circuit: name,
        path: paths.wasm,
      });
    const power = domainPower(sizes.constraints, publicCount(name));
    let setup = old?.setup;
    const setUp = toSetUp.includes(name);
    if (setUp) {
      setupIndex++;
      const started = performance.now();
      const dev = ptau!.entry.kind === 'dev-insecure';
      const beacon = dev
        ? devPhase2Beacon(name, 'beacon')
        : (options.beacon ?? devPhase2Beacon(name, 'beacon'));
      if (!dev && !options.beacon)
        log(`[${name}] warning: no --beacon given; using the public development beacon`);
      await groth16Setup({
        circuit: name,
        r1csPath: r1csPathOf(name, buildDir),
        ptauPath: ptau!.path,
        zkeyPath: zkeyPathOf(name, buildDir),
        vkeyPath: join(compileDir(name, buildDir), `${name}.vkey.json`),
        contribution: dev ? 'dev-deterministic' : 'random',
        beacon,
        log,
        verbose: options.verbose ?? false,
      });
      stored.zkey = await storeArtifact(artifactsDir, paths.zkey, await readFile(zkeyPathOf(name, buildDir)));
      stored.vkey = await storeArtifact(
        artifactsDir,
        paths.vkey,
        await readFile(join(compileDir(name, buildDir), `${name}.vkey.json`)),
      );
      setup = {
        protocol: 'groth16',
        ptau: ptau!.entry.sha256,
        contribution: dev ? 'dev-deterministic' : 'random',
        beacon,
        r1cs: r1csHashes.get(name)!,
      };
      log(
        `[setup ${setupIndex}/${toSetUp.length}] ${name}: 2^${power} domain, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const entry: CircuitManifestEntry = {
      template: def.template,
      params: [...def.params],
      source: def.source,
      sourceHash: closure.hash,
      sources: closure.files,
      constraints: sizes.constraints,
      wires: sizes.wires,
      publicSignals: publicCount(name),
      domainPower: power,
      r1cs: r1csHashes.get(name)!,
      compileSeconds: Number(sizes.seconds.toFixed(1)),
      setup: setup!,
      artifacts: {
        wasm: stored.wasm ?? old!.artifacts.wasm,
        zkey: stored.zkey ?? old!.artifacts.zkey,
        vkey: stored.vkey ?? old!.artifacts.vkey,
      },
    };
    manifest.circuits[name] = entry;
    rows.push({
      circuit: name,
      constraints: entry.constraints,
      wires: entry.wires,
      domainPower: power,
      compiled: compiled.has(name),
      setUp,
      compileSeconds: entry.compileSeconds,
    });
  }
  manifest.compiler = compiler;
  manifest.snarkjs = snarkjsVersion;
  manifest.warning = MANIFEST_WARNING;
  if (ptau) manifest.ptau = ptau.entry;
  await writeManifest(manifest, manifestPath);

  if (options.plonk || options.solidity) await exportExtras(names, options, ptau, artifactsDir, buildDir);
  return rows;
}

function publicCount(name: CircuitName): number {
  return CIRCUITS[name].publicSignals.reduce((n, l) => n + signalSize(l), 0);
}

async function exportExtras(
  names: readonly CircuitName[],
  options: BuildOptions,
  resolved: { path: string; entry: PtauEntry } | undefined,
  artifactsDir: string,
  buildDir: string,
): Promise<void> {
  const { log } = options;
  const exportDir = join(buildDir, 'export');
  await mkdir(exportDir, { recursive: true });
  for (const name of names) {
    if (options.solidity) {
      const out = join(exportDir, `${name}.groth16.verifier.sol`);
      const zkey = zkeyPathOf(name, buildDir);
      await writeFile(zkey, await readArtifact(name, 'zkey', { artifactsDir }));
      await exportSolidityVerifier(zkey, out, log);
      log(`[solidity] ${out}`);
    }
    if (options.plonk) {
      const r1csPath = r1csPathOf(name, buildDir);
      try {
        await stat(r1csPath);
      } catch {
        log(`[plonk] ${name}: no local r1cs; run with --force or build the circuit first`);
        continue;
      }
      const ptau = resolved ?? (await resolvePtau(options, DEV_PTAU_POWER));
      try {
        await plonkSetup(
          name,
          r1csPath,
          ptau.path,
          join(exportDir, `${name}.plonk.zkey`),
          join(exportDir, `${name}.plonk.vkey.json`),
          log,
        );
        log(`[plonk] ${name}: ${join(exportDir, `${name}.plonk.zkey`)}`);
      } catch (error) {
        // PLONK counts additions too: the depth-20 circuits need 2^16 or more. Report and go on.
        await rm(join(exportDir, `${name}.plonk.zkey`), { force: true });
        log(`[plonk] ${name}: skipped (${(error as Error).message})`);
      }
    }
  }
}

export type { CompilerIdentity };
