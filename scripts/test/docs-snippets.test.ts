/**
 * The documentation's code cannot drift from the code: every snippet the site shows (docs/snippets/*.ts)
 * runs here and its answer is checked, and the reference generators the docs build runs
 * (docs/scripts/gen-*.ts) are checked against the code they read.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TxKind } from '@privgate/ledger';
import { describe, expect, it } from 'vitest';
import { capacityModel, MEASURED, SCALE, SECONDS_PER_YEAR } from '../../docs/snippets/capacity-model.ts';
import { signedNullifierBatch } from '../../docs/snippets/ledger-tx.ts';
import { mpcSumAndVerdict } from '../../docs/snippets/mpc-sum.ts';
import { gatewayOperations } from '../../docs/snippets/openapi.ts';
import { commitDataset } from '../../docs/snippets/poseidon-commitment.ts';
import { proveInclusion } from '../../docs/snippets/prove-inclusion.ts';
import { describeRequest } from '../../docs/snippets/query-request.ts';
import { signAndVerifyBatch } from '../../docs/snippets/sm2.ts';
import { merkleInclusion, sm3OfAbc } from '../../docs/snippets/sm3.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNIPPETS = `${ROOT}docs/snippets/`;

describe('every snippet has a test', () => {
  it('lists the snippet files this suite imports', () => {
    const imported = [
      ...readFileSync(fileURLToPath(import.meta.url), 'utf8').matchAll(/docs\/snippets\/([a-z0-9-]+\.ts)'/g),
    ].map((m) => m[1]);
    expect(
      readdirSync(SNIPPETS)
        .filter((f) => f.endsWith('.ts'))
        .sort(),
    ).toEqual([...new Set(imported)].sort());
  });

  it('every snippet is shown on a page, and every snippet a page shows exists', () => {
    const pages = readdirSync(`${ROOT}docs/docs`, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.mdx'),
    );
    const shown = pages.flatMap((page) =>
      [...readFileSync(`${ROOT}docs/docs/${page}`, 'utf8').matchAll(/snippets\/([a-z0-9-]+\.ts)\?raw/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(new Set(shown)).toEqual(new Set(readdirSync(SNIPPETS).filter((f) => f.endsWith('.ts'))));
  });
});

describe('sm3.ts', () => {
  it('gives the GB/T 32905 digest of "abc"', () => {
    expect(sm3OfAbc()).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('proves a leaf in the SM3 Merkle tree and refuses a forged one', () => {
    const result = merkleInclusion();
    expect(result.root).toMatch(/^[0-9a-f]{64}$/);
    expect(result.included).toBe(true);
    expect(result.forgedIncluded).toBe(false);
  });
});

describe('sm2.ts', () => {
  it('verifies a signature alone and singles out the forged item of a batch', async () => {
    const { single, batch } = await signAndVerifyBatch();
    expect(single).toBe(true);
    expect(batch).toEqual([true, true, false]);
  });
});

describe('poseidon-commitment.ts', () => {
  it('recomputes the root from a path; blinded commitments to one value differ', async () => {
    const result = await commitDataset();
    expect(result.pathRecomputesRoot).toBe(true);
    expect(result.root).toBeGreaterThan(0n);
    expect(result.commitment).not.toBe(result.sameValueOtherBlinding);
  });
});

describe('prove-inclusion.ts', () => {
  it('proves a record, verifies, and rejects a changed public signal', async () => {
    const result = await proveInclusion();
    expect(result.verifies).toBe(true);
    expect(result.tamperedVerifies).toBe(false);
    expect(Object.keys(result.publicSignals)).toEqual(['root', 'subjectId', 'fieldId', 'valueCommitment']);
    expect(result.publicSignals.subjectId).toBe(5003n);
  });
});

describe('mpc-sum.ts', () => {
  it('gives the output party the sum, or only the verdict, and nobody else anything', async () => {
    const { sum, verdict } = await mpcSumAndVerdict([10n, 20n, 35n]);
    expect(sum).toEqual([undefined, undefined, { kind: 'aggregate', value: 65n }]);
    expect(verdict).toEqual([undefined, undefined, { kind: 'verdict', value: true, threshold: 60n }]);
    const below = await mpcSumAndVerdict([10n, 20n, 29n]);
    expect(below.verdict[2]).toEqual({ kind: 'verdict', value: false, threshold: 60n });
  });
});

describe('query-request.ts', () => {
  const nonce = '00112233445566778899aabbccddeeff';

  it('hides the subject in the public form; the query id depends on the nonce', () => {
    const a = describeRequest(nonce);
    expect(a.queryId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(a.publicForm)).not.toContain('91110000600037341L');
    expect(a.publicForm.subjectCommitment).toMatch(/^[0-9a-f]{64}$/);
    expect(describeRequest(nonce).queryId).toBe(a.queryId);
    expect(describeRequest('ffeeddccbbaa99887766554433221100').queryId).not.toBe(a.queryId);
  });

  it('refuses a nonce that is not 16 bytes of hex', () => {
    expect(() => describeRequest('not-a-nonce')).toThrow(/nonce/);
  });
});

describe('ledger-tx.ts', () => {
  it('signs a nullifier batch whose signature verifies only over the untampered bytes', () => {
    const result = signedNullifierBatch();
    expect(result.kind).toBe(TxKind.nullifierBatch);
    expect(result.id).toMatch(/^[0-9a-f]{64}$/);
    expect(result.signatureValid).toBe(true);
    expect(result.tamperedValid).toBe(false);
  });
});

describe('openapi.ts', () => {
  it('lists the gateway routes the registry holds', () => {
    const operations = gatewayOperations();
    expect(operations).toContain('POST /v1/queries');
    expect(operations).toContain('POST /v1/datasets');
    expect(operations).toContain('GET /v1/datasets/{name}');
    expect(new Set(operations).size).toBe(operations.length);
  });
});

describe('capacity-model.ts', () => {
  const model = capacityModel();
  const line = (work: RegExp) => model.cpu.find((l) => work.test(l.work))!;

  it('does the arithmetic its formulas show', () => {
    const commit = line(/Commit every invoice/);
    const perRecord = 1 / MEASURED.poseidonLeavesPerCoreSecond + 1 / MEASURED.poseidonNodesPerCoreSecond;
    expect(commit.coreSecondsPerYear).toBeCloseTo(SCALE.invoicesPerYear * perRecord, -3);
    expect(commit.averageCores).toBeCloseTo(0.72, 2);
    expect(commit.formula).toContain('1.00×10^11 invoices');
    expect(line(/invoice_nullifier/).averageCores).toBeCloseTo((1e9 * 0.908) / SECONDS_PER_YEAR, 6);
    for (const l of model.cpu) expect(l.peakCores).toBeCloseTo(l.averageCores * 5, 9);
  });

  it('scales linearly with the invoices and keeps the ledger under its measured throughput', () => {
    const double = capacityModel(MEASURED, { ...SCALE, invoicesPerYear: 2e11 });
    expect(double.cpu[0]!.averageCores).toBeCloseTo(2 * model.cpu[0]!.averageCores, 9);
    expect(model.ledger.headroom).toBeGreaterThan(1);
    expect(model.ledger.faultsTolerated).toBe(14);
    expect(model.ledger.perInvoiceTxPerSecond).toBeGreaterThan(MEASURED.ledgerTxPerSecondMeasured);
  });
});

describe('the privgate CLI', () => {
  it('--help lists the command groups the CLI reference documents', () => {
    const help = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/src/cli/main.ts', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    for (const group of ['keys', 'ledger', 'audit'])
      expect(help).toMatch(new RegExp(`^\\s+${group}\\b`, 'm'));
  });
});
