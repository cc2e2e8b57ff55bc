/**
 * npm run circuits:build [-- options]: compile the circuits with circom2, run the Groth16 setup for what
 * changed, and write circuits/artifacts (wasm, zkey, vkey, manifest.json).
 *
 *   --check            verify committed artifacts match the sources (exit 1 if not); writes nothing
 *   --full             with --check: recompile every circuit, not only the smallest
 *   --circuit <name>   limit to one circuit (repeatable)
 *   --ptau <file>      prepared ceremony ptau (default: INSECURE deterministic dev ptau, built once)
 *   --beacon <hex>     public beacon for the final phase-2 step with --ptau
 *   --force            rebuild even if nothing changed
 *   --plonk            also write PLONK keys to circuits/build/export (where the ptau is large enough)
 *   --solidity         also write Solidity Groth16 verifiers to circuits/build/export
 *   --jobs <n>         parallel circom2 processes (default 2)
 *   --verbose          show snarkjs's own setup lines (contribution hashes)
 *   --extract <dir>    write the committed artifacts uncompressed to <dir> (for the snarkjs CLI); nothing else
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CIRCUIT_NAMES, type CircuitName, extractArtifacts, releaseSnarkjsCurve } from '@privgate/circuits';
import { type BuildRow, buildCircuits, checkArtifacts } from '@privgate/circuits/toolchain';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const log = (line: string) => process.stderr.write(`${elapsed().padStart(7)} ${line}\n`);

function table(rows: BuildRow[]): string {
  const header = ['circuit', 'constraints', 'wires', 'domain', 'compiled', 'setup', 'compile s'];
  const lines = rows.map((r) => [
    r.circuit,
    String(r.constraints),
    String(r.wires),
    `2^${r.domainPower}`,
    r.compiled ? 'yes' : '-',
    r.setUp ? 'yes' : '-',
    r.compileSeconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), ...lines.map(fmt)].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      circuit: { type: 'string', multiple: true },
      ptau: { type: 'string' },
      beacon: { type: 'string' },
      force: { type: 'boolean', default: false },
      plonk: { type: 'boolean', default: false },
      solidity: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      extract: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run circuits:build -- [--check [--full]] [--circuit name] [--ptau file] [--beacon hex] [--force] [--plonk] [--solidity] [--jobs n] [--verbose] [--extract dir]\n',
    );
    return 0;
  }
  if (values.extract) {
    for (const circuit of (values.circuit ?? CIRCUIT_NAMES) as CircuitName[]) {
      const paths = await extractArtifacts(circuit, join(values.extract, circuit));
      log(`[extract] ${circuit}: ${paths.wasm}, ${paths.zkey}, ${paths.vkey}`);
    }
    return 0;
  }
  const jobs = values.jobs === undefined ? 2 : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError('--jobs must be a positive integer');
  if (values.check) {
    const result = await checkArtifacts({ full: values.full, jobs, log });
    for (const p of result.problems) log(`[check] ${p.circuit ? `${p.circuit}: ` : ''}${p.problem}`);
    log(
      result.ok
        ? `[check] artifacts match the sources (${result.recompiled.length} recompiled: ${result.recompiled.join(', ')})`
        : `[check] FAILED: ${result.problems.length} problem(s); run npm run circuits:build and commit circuits/artifacts`,
    );
    return result.ok ? 0 : 1;
  }
  const circuits = values.circuit?.map((c) => {
    if (!(CIRCUIT_NAMES as readonly string[]).includes(c))
      throw new RangeError(`unknown circuit ${c}; known: ${CIRCUIT_NAMES.join(', ')}`);
    return c as CircuitName;
  });
  const rows = await buildCircuits({
    ...(circuits ? { circuits } : {}),
    ...(values.ptau ? { ptau: values.ptau } : {}),
    ...(values.beacon ? { beacon: values.beacon } : {}),
    force: values.force,
    plonk: values.plonk,
    solidity: values.solidity,
    jobs,
    verbose: values.verbose,
    log,
  });
  process.stdout.write(`${table(rows)}\n`);
  log('[build] done');
  return 0;
}

main()
  .then(async (code) => {
    await releaseSnarkjsCurve();
    process.exit(code);
  })
  .catch((error: unknown) => {
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  });
