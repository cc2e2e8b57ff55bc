/**
 * The artifact manifest (`artifacts/manifest.json`): for each circuit, what it was built from (source
 * closure hash, compiler identity, r1cs hash, ptau) and the hash of every committed output, so that the
 * build can skip unchanged circuits and CI can prove the committed artifacts match the sources.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { CircuitError } from '../errors.ts';
import type { CircuitName } from '../registry.ts';
import { MANIFEST_PATH } from './paths.ts';

export const MANIFEST_VERSION = 1;

/** What compiled the circuits; a change means every r1cs may change. */
export interface CompilerIdentity {
  /** npm package and version of the WASM compiler. */
  circom2: string;
  /** Version circom reports. */
  circom: string;
  circomlib: string;
  flags: string[];
}

export interface ArtifactEntry {
  /** Path relative to `artifacts/`; `.br` files are Brotli-compressed. */
  path: string;
  /** SHA-256 of the content (after decompression): independent of the compressor's version. */
  sha256: string;
  /** Size of the content. */
  bytes: number;
  /** Size of the committed file. */
  storedBytes: number;
}

export interface PtauEntry {
  /** `dev-insecure`: the deterministic development ceremony, tau is public; `ceremony`: an operator's file. */
  kind: 'dev-insecure' | 'ceremony';
  power: number;
  sha256: string;
  /** File name it was read from (informational). */
  file: string;
}

export interface CircuitManifestEntry {
  template: string;
  params: number[];
  source: string;
  /** Hash of the include closure, main and compiler identity (see sources.ts). */
  sourceHash: string;
  /** include path → SHA-256 of each file in the closure. */
  sources: Record<string, string>;
  constraints: number;
  wires: number;
  publicSignals: number;
  /** log2 of the Groth16 evaluation domain. */
  domainPower: number;
  /** SHA-256 of the r1cs the wasm and zkey come from (the r1cs itself is not committed). */
  r1cs: string;
  compileSeconds: number;
  setup: {
    protocol: 'groth16';
    ptau: string;
    /** How the phase-2 contribution was made: deterministic (dev) or with fresh entropy (ceremony). */
    contribution: 'dev-deterministic' | 'random';
    beacon: string;
    /** SHA-256 of the r1cs the zkey was set up from; equals `r1cs` when fresh. */
    r1cs: string;
  };
  artifacts: { wasm: ArtifactEntry; zkey: ArtifactEntry; vkey: ArtifactEntry };
}

export interface Manifest {
  version: number;
  warning: string;
  compiler: CompilerIdentity;
  snarkjs: string;
  ptau: PtauEntry;
  circuits: Partial<Record<CircuitName, CircuitManifestEntry>>;
}

/**
 * Reads the manifest; `undefined` when there is none yet.
 * @throws {CircuitError} `ARTIFACT_STALE` when it exists but is not a manifest of this version.
 */
export async function readManifest(path = MANIFEST_PATH): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.version !== MANIFEST_VERSION) {
    throw new CircuitError(
      'ARTIFACT_STALE',
      `manifest version ${manifest.version} is not ${MANIFEST_VERSION}`,
      {
        path,
        expected: String(MANIFEST_VERSION),
        actual: String(manifest.version),
      },
    );
  }
  return manifest;
}

/** Writes the manifest with sorted circuit keys and a trailing newline, so diffs stay small. */
export async function writeManifest(manifest: Manifest, path = MANIFEST_PATH): Promise<void> {
  const circuits = Object.fromEntries(Object.entries(manifest.circuits).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFile(path, `${JSON.stringify({ ...manifest, circuits }, null, 2)}\n`);
}
