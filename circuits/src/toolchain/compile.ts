/** Compiles a circuit with circom2 (Circom 2 in WASM, from npm): r1cs, wasm witness generator, sym. */
import { spawn } from 'node:child_process';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { CIRCOM_DIR, findPackageDir, nodeModulesDir } from '../artifacts/paths.ts';
import { CircuitError } from '../errors.ts';
import type { CircuitDefinition } from '../registry.ts';
import { COMPILE_FLAGS } from './sources.ts';

/** Sizes read from the r1cs header. */
export interface R1csInfo {
  constraints: number;
  wires: number;
  publicOutputs: number;
  publicInputs: number;
  privateInputs: number;
}

export interface CompileResult extends R1csInfo {
  r1csPath: string;
  wasmPath: string;
  symPath: string;
  seconds: number;
}

/**
 * Compiles `def` into `outDir` (`<name>_main.r1cs`, `<name>_main.sym`, `<name>_main_js/<name>_main.wasm`). circom2 runs in its
 * own process: its WASM sandbox only sees paths relative to its working directory, and its memory is
 * released when it exits.
 * @throws {CircuitError} `COMPILE_FAILED` with circom's output when compilation fails.
 */
export async function compileCircuit(
  def: CircuitDefinition,
  main: string,
  outDir: string,
): Promise<CompileResult> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // The main must not share a name with an included source (threshold.circom would include itself).
  const base = `${def.name}_main`;
  const mainPath = join(outDir, `${base}.circom`);
  await writeFile(mainPath, main);
  const cli = join(findPackageDir('circom2'), 'cli.js');
  const nodeModules = nodeModulesDir();
  const args = [
    cli,
    mainPath,
    '--r1cs',
    '--wasm',
    '--sym',
    ...COMPILE_FLAGS,
    '-l',
    CIRCOM_DIR,
    '-l',
    nodeModules,
    '-o',
    outDir,
  ];
  const started = performance.now();
  // circom2's WASI sandbox preopens the working directory and its parents, but resolves `-l` directories
  // reached through `..` inconsistently; from the filesystem root every path is a plain relative path.
  const { code, output } = await run(process.execPath, args, parse(process.cwd()).root);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || /error\[/i.test(output)) {
    throw new CircuitError('COMPILE_FAILED', `circom2 failed for ${def.name}:\n${output}`, {
      circuit: def.name,
      output,
    });
  }
  // circom also writes a JS loader for the wasm; the prover has its own, and biome would lint these files.
  await rm(join(outDir, `${base}_js`, 'witness_calculator.js'), { force: true });
  await rm(join(outDir, `${base}_js`, 'generate_witness.js'), { force: true });
  const r1csPath = join(outDir, `${base}.r1cs`);
  return {
    r1csPath,
    wasmPath: join(outDir, `${base}_js`, `${base}.wasm`),
    symPath: join(outDir, `${base}.sym`),
    seconds,
    ...(await readR1csInfo(r1csPath)),
  };
}

/**
 * Reads constraint and signal counts from an r1cs header (iden3 binary format, section 1).
 * @throws {Error} when the file is not an r1cs file.
 */
export async function readR1csInfo(path: string): Promise<R1csInfo> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    await file.read(head, 0, 12, 0);
    if (head.toString('ascii', 0, 4) !== 'r1cs') throw new Error(`${path} is not an r1cs file`);
    const sections = head.readUInt32LE(8);
    let offset = 12;
    const sectionHead = Buffer.alloc(12);
    for (let i = 0; i < sections; i++) {
      await file.read(sectionHead, 0, 12, offset);
      const type = sectionHead.readUInt32LE(0);
      const length = Number(sectionHead.readBigUInt64LE(4));
      if (type === 1) {
        const body = Buffer.alloc(length);
        await file.read(body, 0, length, offset + 12);
        const n8 = body.readUInt32LE(0);
        // After n8 and the prime: nWires, nPubOut, nPubIn, nPrvIn (u32), nLabels (u64), nConstraints (u32).
        const o = 4 + n8;
        const wires = body.readUInt32LE(o);
        const publicOutputs = body.readUInt32LE(o + 4);
        const publicInputs = body.readUInt32LE(o + 8);
        const privateInputs = body.readUInt32LE(o + 12);
        const constraints = body.readUInt32LE(o + 24);
        return { constraints, wires, publicOutputs, publicInputs, privateInputs };
      }
      offset += 12 + length;
    }
    throw new Error(`${path} has no r1cs header section`);
  } finally {
    await file.close();
  }
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // Do not leave a compiler running if this process exits first (e.g. another compile failed).
    const kill = () => child.kill();
    process.once('exit', kill);
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      process.off('exit', kill);
      resolve({ code: code ?? 1, output });
    });
  });
}
