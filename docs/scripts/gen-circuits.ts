/**
 * The circuits reference, generated from the circuits registry (`circuits/src/registry.ts`: templates,
 * parameters, inputs, public signals in snarkjs order), the artifact manifest (`circuits/artifacts/
 * manifest.json`: constraint counts, domains, compiler, powers of tau) and the comment every `.circom` file
 * opens with (what it proves, what is public, what it does not enforce).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type artifactManifest,
  CIRCUIT_NAMES,
  CIRCUITS,
  type CircuitDefinition,
  type SignalLayout,
} from '@privgate/circuits';
import { anchor, block, code, generatedPage, heading, table, text } from './reference/markdown.ts';

const CIRCOM_DIR = fileURLToPath(new URL('../../circuits/src/circom/', import.meta.url));

type Manifest = Awaited<ReturnType<typeof artifactManifest>>;

/** The comment block after a circom file's `pragma` line. */
export function circomHeader(source: string): string {
  const lines = source.split('\n');
  let i = 0;
  while (i < lines.length && !lines[i]!.startsWith('//')) i++;
  const out: string[] = [];
  for (; i < lines.length && lines[i]!.startsWith('//'); i++) out.push(lines[i]!.replace(/^\/\/ ?/, ''));
  return out.join('\n').trim();
}

/** `siblings[20]`, `shareCommitments[2][3]`. */
function shaped(signal: SignalLayout): string {
  return signal.name + signal.shape.map((d) => `[${d}]`).join('');
}

const size = (signal: SignalLayout) => signal.shape.reduce((a, b) => a * b, 1);

function circuitSection(def: CircuitDefinition, manifest: Manifest): string {
  const entry = manifest.circuits[def.name];
  const out = [heading(2, code(def.name), anchor('circuit', def.name)), `${text(def.summary)}.`];
  const facts: string[][] = [
    ['template', code(`${def.template}(${def.params.join(', ')})`)],
    ['source', code(`circuits/src/circom/${def.source}`)],
  ];
  if (entry !== undefined) {
    facts.push(
      ['constraints', entry.constraints.toLocaleString('en-US')],
      ['wires', entry.wires.toLocaleString('en-US')],
      ['Groth16 domain', `2^${entry.domainPower}`],
      ['public signals', String(entry.publicSignals)],
    );
  }
  out.push(table(['property', 'value'], facts));
  let index = 0;
  const outputs = def.publicSignals.filter((s) => !def.publicInputs.includes(s.name));
  out.push(
    'Public signals, in the order snarkjs lists them (outputs first, arrays flattened row-major):',
    table(
      ['index', 'signal', 'kind'],
      def.publicSignals.map((s) => {
        const first = index;
        index += size(s);
        const range = size(s) === 1 ? String(first) : `${first}..${index - 1}`;
        return [range, code(shaped(s)), outputs.includes(s) ? 'output' : 'public input'];
      }),
    ),
  );
  const privates = def.inputs.filter((s) => !def.publicInputs.includes(s.name));
  out.push(`Private inputs (the witness): ${privates.map((s) => code(shaped(s))).join(', ')}.`);
  const header = circomHeader(readFileSync(CIRCOM_DIR + def.source, 'utf8'));
  if (header !== '') out.push(`From ${code(def.source)}:`, block(header));
  return out.join('\n\n');
}

/** The circuits reference page. */
export function circuitsMarkdown(manifest: Manifest): string {
  const out = [
    generatedPage(
      {
        title: 'Circuits',
        description:
          'Each compiled circuit: constraints, Groth16 domain, public signals and what it does not enforce.',
      },
      'the circuits registry, the artifact manifest and the `.circom` sources (`docs/scripts/gen-circuits.ts`)',
    ),
    `:::danger[Development keys]\n\n${text(manifest.warning)}\n\n:::`,
    table(
      ['tool', 'version'],
      [
        [
          'compiler',
          `${code(manifest.compiler.circom2)} (Circom ${text(manifest.compiler.circom)}), flags ${manifest.compiler.flags.map(code).join(' ')}`,
        ],
        ['circomlib', text(manifest.compiler.circomlib)],
        ['snarkjs', text(manifest.snarkjs)],
        [
          'powers of tau',
          `${code(manifest.ptau.kind)}, 2^${manifest.ptau.power}, SHA-256 ${code(manifest.ptau.sha256)}`,
        ],
      ],
    ),
    heading(2, 'Summary', 'summary'),
    table(
      ['circuit', 'template', 'constraints', 'domain', 'public signals'],
      CIRCUIT_NAMES.map((name) => {
        const def = CIRCUITS[name];
        const entry = manifest.circuits[name];
        return [
          `[${code(name)}](#${anchor('circuit', name)})`,
          code(`${def.template}(${def.params.join(', ')})`),
          entry === undefined ? '—' : entry.constraints.toLocaleString('en-US'),
          entry === undefined ? '—' : `2^${entry.domainPower}`,
          def.publicSignals.map((s) => code(shaped(s))).join(', '),
        ];
      }),
    ),
    ...CIRCUIT_NAMES.map((name) => circuitSection(CIRCUITS[name], manifest)),
  ];
  return `${out.join('\n\n')}\n`;
}
