/**
 * The generators of the docs' reference pages (docs/scripts/gen-*.ts), checked without building the
 * site: each page covers everything the code has, every in-page link has its anchor (the site build
 * refuses broken anchors, but only after minutes), and text from the code cannot inject HTML.
 */
import { readFileSync } from 'node:fs';
import { artifactManifest, CIRCUIT_NAMES } from '@privgate/circuits';
import { CONFIG_ENV } from '@privgate/gateway';
import { TxKind } from '@privgate/ledger';
import { beforeAll, describe, expect, it } from 'vitest';
import { circomHeader, circuitsMarkdown } from '../../docs/scripts/gen-circuits.ts';
import { type CliCommand, cliCommands, cliMarkdown, loadCliProgram } from '../../docs/scripts/gen-cli.ts';
import { configMarkdown, fieldComments } from '../../docs/scripts/gen-config.ts';
import { documentedCodes, ledgerFormatsMarkdown } from '../../docs/scripts/gen-ledger.ts';
import {
  describeType,
  gatewayOpenApiDocument,
  openApiMarkdown,
  operationList,
} from '../../docs/scripts/gen-openapi.ts';
import {
  anchor,
  code,
  leadingComment,
  sourceCommentToMarkdown,
  table,
  text,
} from '../../docs/scripts/reference/markdown.ts';

/** In-page link targets without a `{#id}` heading anchor. */
function brokenAnchors(page: string): string[] {
  const anchors = new Set([...page.matchAll(/\{#([a-z0-9-]+)\}/g)].map((m) => m[1]));
  return [...page.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!).filter((id) => !anchors.has(id));
}

/** No raw HTML tags outside code (the generated pages are CommonMark with raw HTML enabled). */
function rawTags(page: string): string[] {
  const outsideCode = page.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...outsideCode.matchAll(/<\/?[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

describe('markdown helpers', () => {
  it('escapes HTML and pipes, and turns URLs into code so they are not links', () => {
    expect(text('<script>alert(1)</script> a | b & c')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; a \\| b &amp; c',
    );
    expect(text('see http://127.0.0.1:7201 now')).toBe('see `http://127.0.0.1:7201` now');
    expect(text('two\nlines')).toBe('two lines');
  });

  it('makes code spans that survive backticks and pipes', () => {
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('x`y')).toBe('``x`y``');
    expect(code('`edge`')).toBe('`` `edge` ``');
  });

  it('makes stable anchors and tables', () => {
    expect(anchor('op', 'listDatasets')).toBe('op-list-datasets');
    expect(anchor('privgate', 'ledger init')).toBe('privgate-ledger-init');
    expect(anchor('contracts/dataset-directory.ts')).toBe('contracts-dataset-directory-ts');
    expect(table(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
    expect(table(['a'], [])).toBe('');
  });

  it('reads leading comments and splits prose from layouts', () => {
    expect(leadingComment('/**\n * One.\n *\n *   x = [a, b]\n */\nconst a = 1;')).toBe(
      'One.\n\n  x = [a, b]',
    );
    expect(leadingComment('// first\n// second\nimport x;')).toBe('first\nsecond');
    expect(leadingComment('const a = 1;')).toBe('');
    const md = sourceCommentToMarkdown(
      'Uses {@link TxKind} and <T>.\n\n  Tx = [version, {@link TxKind}]\n- item',
    );
    expect(md).toBe('Uses `TxKind` and &lt;T&gt;.\n\n```text\nTx = [version, TxKind]\n```\n\n- item');
  });

  it('describes JSON Schema types', () => {
    expect(describeType({ $ref: '#/components/schemas/DatasetList' })).toBe(
      '[DatasetList](#schema-dataset-list)',
    );
    expect(describeType({ enum: ['append', 'replace'] })).toBe('`"append"` or `"replace"`');
    expect(describeType({ type: 'array', items: { type: 'string' }, maxItems: 3 })).toBe(
      'array [..3] of string',
    );
    expect(describeType({ type: 'integer', minimum: 0, default: 5 })).toBe('integer (0.., default `5`)');
    expect(describeType(undefined)).toBe('any');
  });
});

describe('HTTP API page', () => {
  const doc = gatewayOpenApiDocument();
  const page = openApiMarkdown(doc);

  it('has a section per operation and per schema, with working anchors and no raw HTML', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = operationList(doc);
    expect(operations.length).toBeGreaterThanOrEqual(4);
    for (const op of operations) expect(page).toContain(`{#${anchor('op', op.operationId)}}`);
    for (const name of Object.keys(doc.components.schemas))
      expect(page).toContain(`{#${anchor('schema', name)}}`);
    expect(brokenAnchors(page)).toEqual([]);
    expect(rawTags(page)).toEqual([]);
  });

  it('finds a broken anchor when there is one', () => {
    expect(brokenAnchors(`${page}\n[x](#schema-nothing)`)).toEqual(['schema-nothing']);
  });
});

describe('CLI page', () => {
  let program: CliCommand;
  beforeAll(async () => {
    program = await loadCliProgram();
  });

  it('reads every command without running one', () => {
    const paths = cliCommands(program).map((c) => c.path);
    for (const command of ['keys generate', 'ledger init', 'ledger start', 'audit chain']) {
      expect(paths).toContain(command);
    }
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('documents every command and option, with working anchors and no raw HTML', () => {
    const page = cliMarkdown(program);
    for (const { path, command } of cliCommands(program)) {
      expect(page).toContain(`{#${anchor('privgate', path)}}`);
      for (const option of command.commands.length === 0 ? command.options : []) {
        expect(page).toContain(code(option.flags));
      }
    }
    expect(brokenAnchors(page)).toEqual([]);
    expect(rawTags(page)).toEqual([]);
  });
});

describe('circuits page', () => {
  it('gives every circuit its constraint count from the manifest and the .circom header', async () => {
    const manifest = await artifactManifest();
    const page = circuitsMarkdown(manifest);
    for (const name of CIRCUIT_NAMES) {
      expect(page).toContain(`{#${anchor('circuit', name)}}`);
      const constraints = manifest.circuits[name]?.constraints;
      expect(constraints).toBeGreaterThan(0);
      expect(page).toContain(constraints!.toLocaleString('en-US'));
    }
    expect(page).toContain('Does NOT enforce');
    expect(page).toContain('INSECURE');
    expect(brokenAnchors(page)).toEqual([]);
  });

  it('takes the comment after the pragma, and nothing from a file without one', () => {
    expect(circomHeader('pragma circom 2.1.0;\n\n// What.\n// More.\n\ntemplate T() {}')).toBe(
      'What.\nMore.',
    );
    expect(circomHeader('pragma circom 2.1.0;\ntemplate T() {}')).toBe('');
  });
});

describe('ledger formats page', () => {
  it('names every transaction kind and every documented error code', () => {
    const page = ledgerFormatsMarkdown();
    for (const name of Object.keys(TxKind)) expect(page).toContain(code(name));
    expect(page).toContain('Tx = [version, chainId, kind, sender, nonce, timestamp, payload, signature]');
    expect(page).toContain(code('NULLIFIER_SEEN'));
    expect(brokenAnchors(page)).toEqual([]);
  });

  it('pairs error codes with their comments', () => {
    const codes = documentedCodes(
      "/** Not canonical. */\n  TX_MALFORMED: 'TX_MALFORMED',\n  /** Too\n   * long. */\n  TX_OVERSIZED: 'TX_OVERSIZED',",
    );
    expect(codes).toEqual([
      { code: 'TX_MALFORMED', description: 'Not canonical.' },
      { code: 'TX_OVERSIZED', description: 'Too long.' },
    ]);
    expect(documentedCodes('const x = 1;')).toEqual([]);
  });
});

describe('gateway configuration page', () => {
  it('lists every environment variable and the comments of nested fields', () => {
    const page = configMarkdown();
    for (const name of Object.keys(CONFIG_ENV)) expect(page).toContain(code(name));
    expect(page).toContain(code('timeouts.mpcRoundMs'));
    expect(brokenAnchors(page)).toEqual([]);
  });

  it('finds field comments by indentation', () => {
    const source = [
      'export const S = z',
      '  .object({',
      '    /** The port. */',
      '    port: z.number(),',
      '    listen: z',
      '      .object({',
      '        /**',
      '         * The host,',
      '         * two lines.',
      '         */',
      '        host: z.string(),',
      '      }),',
      '  });',
      'export const T = 1;',
    ].join('\n');
    expect([...fieldComments(source, 'S')]).toEqual([
      ['port', 'The port.'],
      ['listen.host', 'The host, two lines.'],
    ]);
    expect(fieldComments(source, 'Missing').size).toBe(0);
  });
});

describe('hand-written pages that list what the code has', () => {
  const ROOT = new URL('../../', import.meta.url);
  const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

  it('the accelerator reference names every method and every error code', () => {
    const page = read('docs/docs/reference/accelerator.mdx');
    const errors = read('accel/src/errors.ts');
    const union = errors.slice(
      errors.indexOf('export type AccelErrorCode'),
      errors.indexOf(';', errors.indexOf('export type AccelErrorCode')),
    );
    const codes = [...union.matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    for (const c of codes) expect(page, c).toContain(`\`${c}\``);
    const contract = read('accel/src/engine/interface.ts');
    const body = contract.slice(contract.indexOf('export interface Accelerator {'));
    const methods = [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}([a-z][A-Za-z0-9]*)\(/gm)].map(
      (m) => m[1]!,
    );
    expect(methods).toContain('sm2VerifyBatch');
    for (const m of methods) expect(page, m).toContain(`\`${m}\``);
  });
});
