/**
 * Loading the committed artifacts (wasm, zkey, vkey) listed in `artifacts/manifest.json`, with their hashes
 * checked against the manifest so that a stale or corrupted file is reported as such, not as a bad proof.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CircuitError } from '../errors.ts';
import { type CircuitName, circuitDefinition } from '../registry.ts';
import { artifactContent } from './compression.ts';
import { sha256 } from './hash.ts';
import type { Manifest } from './manifest.ts';
import { ARTIFACTS_DIR } from './paths.ts';
import type { VerificationKey } from '../vendor/snarkjs.ts';

export type ArtifactKind = 'wasm' | 'zkey' | 'vkey';

export interface ArtifactOptions {
  /** Directory holding manifest.json and the per-circuit folders; default the package's `artifacts/`. */
  artifactsDir?: string;
  /** Check SHA-256 against the manifest (≈ 40 ms for the largest zkey); default true. */
  verifyHashes?: boolean;
}

const manifests = new Map<string, Promise<Manifest>>();

/**
 * The manifest of an artifacts directory, read once.
 * @throws {CircuitError} `ARTIFACT_MISSING` when there is none.
 */
export function artifactManifest(artifactsDir = ARTIFACTS_DIR): Promise<Manifest> {
  let manifest = manifests.get(artifactsDir);
  if (!manifest) {
    const path = join(artifactsDir, 'manifest.json');
    manifest = readFile(path, 'utf8').then(
      (text) => JSON.parse(text) as Manifest,
      () => {
        throw new CircuitError(
          'ARTIFACT_MISSING',
          `no artifact manifest at ${path}; run npm run circuits:build`,
          {
            path,
          },
        );
      },
    );
    manifest.catch(() => manifests.delete(artifactsDir));
    manifests.set(artifactsDir, manifest);
  }
  return manifest;
}

/**
 * Reads one artifact of a circuit, decompressed.
 * @throws {CircuitError} `CIRCUIT_UNKNOWN`, `ARTIFACT_MISSING`, or `ARTIFACT_STALE` on a hash mismatch.
 */
export async function readArtifact(
  circuit: CircuitName,
  kind: ArtifactKind,
  options: ArtifactOptions = {},
): Promise<Uint8Array> {
  circuitDefinition(circuit);
  const dir = options.artifactsDir ?? ARTIFACTS_DIR;
  const manifest = await artifactManifest(dir);
  const entry = manifest.circuits[circuit];
  if (!entry) {
    throw new CircuitError('ARTIFACT_MISSING', `${circuit} is not in the artifact manifest`, {
      circuit,
      path: dir,
    });
  }
  const artifact = entry.artifacts[kind];
  const path = join(dir, artifact.path);
  let bytes: Uint8Array;
  try {
    bytes = await artifactContent(path, new Uint8Array(await readFile(path)));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      throw new CircuitError('ARTIFACT_MISSING', `${path} is missing`, { circuit, path });
    }
    throw new CircuitError('ARTIFACT_STALE', `${path} cannot be decompressed`, { circuit, path });
  }
  if (options.verifyHashes !== false) {
    const actual = sha256(bytes);
    if (actual !== artifact.sha256) {
      throw new CircuitError('ARTIFACT_STALE', `${path} does not match the manifest`, {
        circuit,
        path,
        expected: artifact.sha256,
        actual,
      });
    }
  }
  return bytes;
}

const vkeys = new Map<string, Promise<VerificationKey>>();

/**
 * The Groth16 verification key of a circuit, read once per artifacts directory.
 * @throws {CircuitError} as `readArtifact`.
 */
export function verificationKey(
  circuit: CircuitName,
  options: ArtifactOptions = {},
): Promise<VerificationKey> {
  const key = `${options.artifactsDir ?? ARTIFACTS_DIR}\0${circuit}`;
  let vkey = vkeys.get(key);
  if (!vkey) {
    vkey = readArtifact(circuit, 'vkey', options).then(
      (b) => JSON.parse(new TextDecoder().decode(b)) as VerificationKey,
    );
    vkey.catch(() => vkeys.delete(key));
    vkeys.set(key, vkey);
  }
  return vkey;
}

/**
 * Writes a circuit's wasm, zkey and vkey uncompressed into `dir` (for snarkjs's CLI or `fullProve`,
 * which read plain files) and returns their paths.
 * @throws {CircuitError} as `readArtifact`.
 */
export async function extractArtifacts(
  circuit: CircuitName,
  dir: string,
  options: ArtifactOptions = {},
): Promise<{ wasm: string; zkey: string; vkey: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { wasm: join(dir, `${circuit}.wasm`), zkey: join(dir, `${circuit}.zkey`), vkey: join(dir, `${circuit}.vkey.json`) };
  for (const kind of ['wasm', 'zkey', 'vkey'] as const) {
    await writeFile(paths[kind], await readArtifact(circuit, kind, options));
  }
  return paths;
}
