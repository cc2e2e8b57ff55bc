/**
 * The source closure of a circuit: its generated main, every file it includes (ours and circomlib's),
 * and the compiler identity. Its hash changes exactly when a recompile could change the r1cs or wasm.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sha256 } from '../artifacts/hash.ts';
import type { CompilerIdentity } from '../artifacts/manifest.ts';
import { CIRCOM_DIR, findPackageDir, nodeModulesDir } from '../artifacts/paths.ts';
import { type CircuitDefinition, mainSource } from '../registry.ts';

/** Flags every circuit is compiled with. --O2 halves the constraints of the Poseidon-heavy circuits. */
export type { CompilerIdentity };

export const COMPILE_FLAGS = ['--O2'] as const;

export interface SourceClosure {
  main: string;
  /** include path → SHA-256, e.g. `merkle.circom`, `circomlib/circuits/poseidon.circom`. */
  files: Record<string, string>;
  /** SHA-256 over the main, the file hashes and the compiler identity. */
  hash: string;
}

const INCLUDE = /^\s*include\s+"([^"]+)"\s*;/gm;

/** Reads package versions: the compiler identity that the manifest pins. */
export async function compilerIdentity(): Promise<CompilerIdentity> {
  const version = async (name: string) =>
    (JSON.parse(await readFile(join(findPackageDir(name), 'package.json'), 'utf8')) as { version: string })
      .version;
  const circom2 = await version('circom2');
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(findPackageDir('circom2'), 'cli.js'),
    '--version',
  ]);
  const circom = /circom compiler ([0-9][^\s]*)/.exec(stdout)?.[1] ?? 'unknown';
  return {
    circom2: `circom2@${circom2}`,
    circom,
    circomlib: await version('circomlib'),
    flags: [...COMPILE_FLAGS],
  };
}

/**
 * Collects the include closure of a circuit's main and hashes it with the compiler identity.
 * @throws {Error} when an include cannot be found in `src/circom` or `node_modules`.
 */
export async function sourceClosure(
  def: CircuitDefinition,
  compiler: CompilerIdentity,
): Promise<SourceClosure> {
  const main = mainSource(def);
  const files: Record<string, string> = {};
  const libraries = [CIRCOM_DIR, nodeModulesDir()];
  const visit = async (text: string, fromDir: string | undefined): Promise<void> => {
    for (const match of text.matchAll(INCLUDE)) {
      const include = match[1]!;
      const { key, path, dir } = await resolveInclude(include, fromDir, libraries);
      if (key in files) continue;
      const content = await readFile(path, 'utf8');
      files[key] = sha256(content);
      await visit(content, dir);
    }
  };
  await visit(main, undefined);
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
  const hash = sha256(JSON.stringify({ main, files: sorted, compiler }));
  return { main, files: sorted, hash };
}

async function resolveInclude(
  include: string,
  fromDir: string | undefined,
  libraries: string[],
): Promise<{ key: string; path: string; dir: string }> {
  // circom resolves an include against the including file's directory first, then the -l libraries.
  const candidates: Array<{ base: string; rel: string }> = [];
  if (fromDir) candidates.push({ base: fromDir, rel: include });
  for (const lib of libraries) candidates.push({ base: lib, rel: include });
  for (const { base, rel } of candidates) {
    const path = join(base, rel);
    try {
      await readFile(path);
    } catch {
      continue;
    }
    const key = keyFor(path, libraries);
    return { key, path, dir: join(path, '..') };
  }
  throw new Error(`include "${include}" not found`);
}

function keyFor(path: string, libraries: string[]): string {
  for (const lib of libraries) {
    if (path.startsWith(`${lib}/`)) return path.slice(lib.length + 1);
  }
  return path;
}
