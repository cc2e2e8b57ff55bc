/**
 * Writes the generated reference before every docs build (`npm run build` runs it as `prebuild`):
 *
 *   docs/reference/http-api.md         the gateway's OpenAPI document, as a page  (gen-openapi.ts)
 *   static/openapi.json                the document itself
 *   docs/reference/cli.md              every privgate command                      (gen-cli.ts)
 *   docs/reference/circuits.md         every compiled circuit                      (gen-circuits.ts)
 *   docs/reference/ledger-formats.md   transactions, blocks, contracts             (gen-ledger.ts)
 *   docs/reference/gateway-config.md   the gateway's configuration                 (gen-config.ts)
 *   src/generated/reference.json       operations and commands, for the guides' badges
 *
 * Run from the repository root's tsx: `../node_modules/.bin/tsx scripts/gen-reference.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifactManifest } from '@privgate/circuits';
import { circuitsMarkdown } from './gen-circuits.ts';
import { cliCommands, cliMarkdown, loadCliProgram } from './gen-cli.ts';
import { configMarkdown } from './gen-config.ts';
import { ledgerFormatsMarkdown } from './gen-ledger.ts';
import { gatewayOpenApiDocument, openApiMarkdown, operationList } from './gen-openapi.ts';

const SITE = fileURLToPath(new URL('../', import.meta.url));

function write(relative: string, content: string): void {
  const path = SITE + relative;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  process.stdout.write(`gen-reference: ${relative} (${content.length.toLocaleString('en-US')} bytes)\n`);
}

const started = performance.now();
const openApi = gatewayOpenApiDocument();
write('static/openapi.json', `${JSON.stringify(openApi, null, 2)}\n`);
write('docs/reference/http-api.md', openApiMarkdown(openApi));

const program = await loadCliProgram();
write('docs/reference/cli.md', cliMarkdown(program));

write('docs/reference/circuits.md', circuitsMarkdown(await artifactManifest()));
write('docs/reference/ledger-formats.md', ledgerFormatsMarkdown());
write('docs/reference/gateway-config.md', configMarkdown());

write(
  'src/generated/reference.json',
  `${JSON.stringify(
    {
      operations: operationList(openApi),
      commands: cliCommands(program).map(({ path }) => path),
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`gen-reference: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
// Imports of the CLI (the ledger, libp2p, snarkjs) may hold handles; the work is done.
process.exit(0);
