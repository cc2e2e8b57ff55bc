/**
 * The ledger formats reference, generated from the ledger's sources: the format comment each codec and
 * contract file opens with (the normative description, kept beside the code that implements it), the
 * transaction kinds and limits as exported by `@privgate/ledger`, and the error codes with their comments.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MAX_ANY_TX_BYTES,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_TXS,
  MAX_TX_BYTES,
  TX_SIGN_DOMAIN,
  TxKind,
} from '@privgate/ledger';
import {
  anchor,
  code,
  generatedPage,
  heading,
  leadingComment,
  sourceCommentToMarkdown,
  table,
  text,
} from './reference/markdown.ts';

const LEDGER_SRC = fileURLToPath(new URL('../../ledger/src/', import.meta.url));

/** The sections of the page: a title and the file whose opening comment is the format. */
export const LEDGER_FORMAT_SOURCES: readonly { title: string; file: string }[] = [
  { title: 'Canonical CBOR', file: 'codec/canonical.ts' },
  { title: 'Transactions', file: 'tx/codec.ts' },
  { title: 'Blocks', file: 'block/codec.ts' },
  { title: 'Consensus messages', file: 'codec/consensus-codec.ts' },
  { title: 'Governance approvals', file: 'contracts/governance.ts' },
  { title: 'Identity registry (kind 1)', file: 'contracts/identity-registry.ts' },
  { title: 'Verification-key registry (kind 2)', file: 'contracts/vkey-registry.ts' },
  { title: 'Policy registry (kind 3)', file: 'contracts/policy-registry.ts' },
  { title: 'Dataset directory (kind 4)', file: 'contracts/dataset-directory.ts' },
  { title: 'Proof submission (kind 5)', file: 'contracts/proof-submission.ts' },
  { title: 'Query audit log (kind 6)', file: 'contracts/query-audit-log.ts' },
  { title: 'Nullifier registry (kind 7)', file: 'contracts/nullifier-registry.ts' },
  { title: 'State tables', file: 'contracts/tables.ts' },
  { title: 'Validator HTTP API', file: 'node/http-api.ts' },
];

/** `/** comment *\/ CODE: 'CODE'` pairs of an error-code object literal, in source order. */
export function documentedCodes(source: string): { code: string; description: string }[] {
  const out: { code: string; description: string }[] = [];
  const pattern = /\/\*\*\s*([\s\S]*?)\s*\*\/\s*([A-Z][A-Z0-9_]+):\s*'([A-Z0-9_]+)'/g;
  for (const match of source.matchAll(pattern)) {
    out.push({ code: match[3]!, description: match[1]!.replace(/\s*\n\s*\*\s*/g, ' ') });
  }
  return out;
}

/** The ledger formats page. */
export function ledgerFormatsMarkdown(): string {
  const read = (file: string) => readFileSync(LEDGER_SRC + file, 'utf8');
  const kinds = Object.entries(TxKind).sort(([, a], [, b]) => a - b);
  const out = [
    generatedPage(
      {
        title: 'Ledger formats',
        description:
          'Transactions, blocks, consensus messages, system contract payloads and state tables of the PrivGate ledger.',
      },
      'the format comments of `ledger/src/` and the constants `@privgate/ledger` exports (`docs/scripts/gen-ledger.ts`)',
    ),
    'Every ledger structure is canonical CBOR (arrays only, no maps), hashed with SM3 (GB/T 32905) and signed with SM2 (GB/T 32918) over domain-separated bytes. The sections below are the comments the implementing files open with.',
    heading(2, 'Transaction kinds and limits', 'kinds'),
    table(
      ['kind', 'name', 'contract'],
      kinds.map(([name, n]) => {
        const source = LEDGER_FORMAT_SOURCES.find((s) => s.title.endsWith(`(kind ${n})`));
        return [
          String(n),
          code(name),
          source === undefined
            ? ''
            : `[${text(source.title.replace(/ \(kind \d+\)$/, ''))}](#${anchor(source.file)})`,
        ];
      }),
    ),
    table(
      ['limit', 'value'],
      [
        ['transaction (every kind but `vkeySet`)', `${MAX_TX_BYTES.toLocaleString('en-US')} bytes`],
        ['transaction (`vkeySet`)', `${MAX_ANY_TX_BYTES.toLocaleString('en-US')} bytes`],
        [
          'block',
          `${MAX_BLOCK_BYTES.toLocaleString('en-US')} bytes, ${MAX_BLOCK_TXS.toLocaleString('en-US')} transactions`,
        ],
        ['transaction signature domain', code(JSON.stringify(new TextDecoder().decode(TX_SIGN_DOMAIN)))],
      ].map(([k, v]) => [k!.includes('`') ? k! : text(k!), v!]),
    ),
  ];
  for (const { title, file } of LEDGER_FORMAT_SOURCES) {
    out.push(
      heading(2, text(title), anchor(file)),
      `Source: ${code(`ledger/src/${file}`)}.`,
      sourceCommentToMarkdown(leadingComment(read(file))),
    );
  }
  out.push(
    heading(2, 'Error codes', 'error-codes'),
    `Every rejection carries one of these stable codes (${code('ledger/src/tx/errors.ts')}); the validator HTTP API answers them in problem+json documents.`,
    table(
      ['code', 'meaning'],
      documentedCodes(read('tx/errors.ts')).map((c) => [code(c.code), text(c.description)]),
    ),
  );
  return `${out.join('\n\n')}\n`;
}
