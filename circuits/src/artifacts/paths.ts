/** Where the circuits package keeps its sources, committed artifacts and local build files. */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the `circuits` package. */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Circom sources. */
export const CIRCOM_DIR = join(PACKAGE_DIR, 'src', 'circom');
/** Committed artifacts: wasm, zkey, vkey and the manifest. */
export const ARTIFACTS_DIR = join(PACKAGE_DIR, 'artifacts');
export const MANIFEST_PATH = join(ARTIFACTS_DIR, 'manifest.json');
/** Local, uncommitted build files: generated mains, r1cs, sym, ptau, exports. */
export const BUILD_DIR = join(PACKAGE_DIR, 'build');
export const PTAU_DIR = join(BUILD_DIR, 'ptau');

/** The `node_modules` directory that holds `name`, searching up from the package as Node does. */
export function findPackageDir(name: string): string {
  let dir = PACKAGE_DIR;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package ${name} is not installed`);
    dir = parent;
  }
}

/**
 * The directory circom searches for `include "circomlib/..."`: the real parent of the installed circomlib.
 * circom2's WASI sandbox does not follow symbolic links, so a linked `node_modules` (or a pnpm store) is
 * resolved here.
 */
export function nodeModulesDir(): string {
  return dirname(realpathSync(findPackageDir('circomlib')));
}

/** Artifact paths of one circuit, relative to ARTIFACTS_DIR (wasm and zkey Brotli-compressed). */
export function artifactPaths(circuit: string): { wasm: string; zkey: string; vkey: string } {
  return {
    wasm: `${circuit}/${circuit}.wasm.br`,
    zkey: `${circuit}/${circuit}.zkey.br`,
    vkey: `${circuit}/${circuit}.vkey.json`,
  };
}
