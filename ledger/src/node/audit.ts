/**
 * Chain audit: re-verifies a validator's chain from genesis without trusting the validator. For every
 * block: the encoding, the hash chain (prevHash = hash of the previous header), the header fields
 * (chain id, height, timestamp after the previous one, proposer a genesis validator, txCount), the tx
 * root, the commit certificate (≥ 2f + 1 valid SM2 precommits of distinct genesis validators for exactly
 * that height and block hash), and then the block is re-executed on a fresh state — which verifies every
 * transaction's SM2 signature with the sender's key as of the state before the block, every Groth16
 * proof, every contract rule, and that the header's state root is the state the transactions produce.
 * Block 0 must be the genesis block of the genesis document.
 *
 * The validator set and the genesis document come from a genesis file the auditor trusts (or, failing
 * that, the node's own `/v1/genesis`, which the report says).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Accelerator } from '@privgate/accel';
import { sm3 } from '@privgate/accel';
import { LedgerChain } from '../block/chain.ts';
import { type Block, decodeBlock, txRootOf } from '../block/codec.ts';
import { decodeCertificate } from '../codec/consensus-codec.ts';
import { checkCertificate } from '../consensus/certificate.ts';
import { StateStore } from '../state/store.ts';
import { bytesEqual, fromHex, toHex } from '../tx/bytes.ts';
import { isLedgerError } from '../tx/errors.ts';
import { createSm2ConsensusCrypto } from './consensus-crypto.ts';
import { genesisDocumentOf, type LedgerGenesis, parseLedgerGenesis, validatorSetOf } from './genesis.ts';
import { Groth16ProofVerifier } from './groth16-verifier.ts';

/** Where the audited chain comes from. */
export interface ChainSource {
  readonly description: string;
  genesis(): Promise<LedgerGenesis>;
  /** The source's committed height and what it claims its head is. */
  head(): Promise<{ height: number; blockHash: string; stateRoot: string }>;
  block(height: number): Promise<{ block: Uint8Array; certificate: Uint8Array | undefined } | undefined>;
  close(): Promise<void>;
}

/** A chain served by a node's HTTP API. */
export function httpChainSource(url: string): ChainSource {
  const base = url.replace(/\/+$/, '');
  const get = async (path: string): Promise<Record<string, unknown> | undefined> => {
    const res = await fetch(`${base}${path}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  return {
    description: base,
    genesis: async () => parseLedgerGenesis(await get('/v1/genesis')),
    head: async () => {
      const s = (await get('/v1/status'))!;
      return {
        height: s.height as number,
        blockHash: s.lastBlockHash as string,
        stateRoot: s.stateRoot as string,
      };
    },
    block: async (height) => {
      const b = await get(`/v1/blocks/${height}`);
      if (b === undefined) return undefined;
      const raw = b.raw as { block: string; certificate: string | null };
      return {
        block: fromHex(raw.block),
        certificate: raw.certificate === null ? undefined : fromHex(raw.certificate),
      };
    },
    close: async () => {},
  };
}

/** A chain in a (stopped) node's data directory: its state store at `<nodeDir>/state`. */
export async function storeChainSource(nodeDir: string, genesis: LedgerGenesis): Promise<ChainSource> {
  const store = await StateStore.open(join(nodeDir, 'state'), { sync: false });
  return {
    description: nodeDir,
    genesis: async () => genesis,
    head: async () => ({
      height: store.height,
      blockHash: store.head === undefined ? '' : toHex(store.head.blockHash),
      stateRoot: store.head === undefined ? '' : toHex(store.head.stateRoot),
    }),
    block: async (height) => {
      const block = await store.blockAt(height);
      return block === undefined
        ? undefined
        : { block: block.bytes, certificate: await store.certificate(height) };
    },
    close: () => store.close(),
  };
}

/** One failed check. */
export interface AuditFailure {
  readonly height: number;
  readonly check: string;
  readonly code: string;
  readonly detail: string;
}

/** The outcome of an audit. */
export interface AuditReport {
  readonly verdict: 'PASS' | 'FAIL';
  readonly source: string;
  readonly genesisFrom: 'trusted-file' | 'source';
  readonly chainId: string;
  readonly validators: number;
  readonly quorum: number;
  /** Height the source reported, and the highest height verified. */
  readonly sourceHeight: number;
  readonly verifiedHeight: number;
  readonly blocks: number;
  readonly txs: number;
  /** Transaction SM2 signatures verified by re-execution. */
  readonly txSignatures: number;
  readonly certificates: number;
  readonly precommitSignatures: number;
  readonly stateRoot: string;
  readonly lastBlockHash: string;
  readonly checks: readonly string[];
  readonly failures: readonly AuditFailure[];
  readonly durationMs: number;
}

const CHECKS = [
  'genesis block = genesis document',
  'block encoding (canonical CBOR)',
  'hash chain (prevHash)',
  'header fields (chain id, height, timestamp, proposer, txCount)',
  'tx root',
  'commit certificate (≥ 2f+1 distinct valid SM2 precommits)',
  'tx SM2 signatures, proofs and contract rules (re-execution)',
  'state root (re-execution)',
];

const groth16Of = (accel: Partial<Pick<Accelerator, 'groth16VerifyBatch'>>) =>
  accel.groth16VerifyBatch ? (accel as Pick<Accelerator, 'groth16VerifyBatch'>) : undefined;

/**
 * Audits a chain from genesis.
 * @param options.genesis a genesis the auditor trusts (else the source's own).
 * @param options.accel the SM2 batch verifier used for transactions, and the Groth16 batch verifier for
 *   their proofs when it has one (else a single-thread engine).
 * @example
 * const report = await auditChain(httpChainSource('http://127.0.0.1:7201'), { accel });
 * if (report.verdict !== 'PASS') process.exitCode = 1;
 */
export async function auditChain(
  source: ChainSource,
  options: {
    accel: Pick<Accelerator, 'sm2VerifyBatch'> & Partial<Pick<Accelerator, 'groth16VerifyBatch'>>;
    genesis?: LedgerGenesis;
    onProgress?: (height: number, of: number) => void;
  },
): Promise<AuditReport> {
  const started = Date.now();
  const genesis = options.genesis ?? (await source.genesis());
  const validators = validatorSetOf(genesis);
  const crypto = createSm2ConsensusCrypto(validators);
  const head = await source.head();
  const failures: AuditFailure[] = [];
  const fail = (height: number, check: string, code: string, detail: string) =>
    failures.push({ height, check, code, detail });
  const dir = mkdtempSync(join(tmpdir(), 'privgate-audit-'));
  const store = await StateStore.open(dir, { sync: false });
  let txs = 0;
  let certificates = 0;
  let precommits = 0;
  let verified = -1;
  let previous: Block | undefined;
  try {
    const chain = new LedgerChain(
      { chainId: genesis.chainId },
      {
        store,
        accel: options.accel,
        proofVerifier: new Groth16ProofVerifier(store, groth16Of(options.accel)),
      },
    );
    const expected = await chain.initGenesis(genesisDocumentOf(genesis));
    const zero = await source.block(0);
    if (zero === undefined || !bytesEqual(zero.block, expected.bytes)) {
      fail(0, CHECKS[0]!, 'GENESIS_MISMATCH', 'block 0 is not the genesis block of this genesis document');
    } else {
      verified = 0;
      previous = expected;
    }
    for (let h = 1; h <= head.height && failures.length === 0; h++) {
      options.onProgress?.(h, head.height);
      const got = await source.block(h);
      if (got === undefined) {
        fail(h, 'block present', 'BLOCK_MISSING', `the source has no block ${h}`);
        break;
      }
      let block: Block;
      try {
        block = decodeBlock(got.block);
      } catch (err) {
        fail(h, CHECKS[1]!, isLedgerError(err) ? err.code : 'BLOCK_MALFORMED', String(err));
        break;
      }
      const hd = block.header;
      const prev = previous!;
      if (!bytesEqual(hd.prevHash, prev.hash))
        fail(h, CHECKS[2]!, 'HASH_CHAIN_BROKEN', 'prevHash is not the previous block');
      if (hd.chainId !== genesis.chainId) fail(h, CHECKS[3]!, 'WRONG_CHAIN', `chain id ${hd.chainId}`);
      if (hd.height !== h) fail(h, CHECKS[3]!, 'WRONG_HEIGHT', `header height ${hd.height}`);
      if (!(hd.timestamp > prev.header.timestamp))
        fail(h, CHECKS[3]!, 'TIMESTAMP', 'timestamp does not increase');
      if (!validators.has(hd.proposer)) fail(h, CHECKS[3]!, 'PROPOSER', `${hd.proposer} is not a validator`);
      if (!bytesEqual(txRootOf(block.txs.map((t) => sm3(t))), hd.txRoot))
        fail(h, CHECKS[4]!, 'TX_ROOT', 'tx root differs from the transactions');
      if (got.certificate === undefined) {
        fail(h, CHECKS[5]!, 'CERTIFICATE_MISSING', 'no commit certificate');
      } else {
        try {
          const cert = decodeCertificate(got.certificate);
          const check = checkCertificate(validators, crypto, cert, { height: h, blockHash: block.hash });
          if (!check.ok)
            fail(h, CHECKS[5]!, `CERTIFICATE_${check.fault.toUpperCase().replace(/-/g, '_')}`, check.detail);
          else {
            certificates++;
            precommits += check.signers;
          }
        } catch (err) {
          fail(h, CHECKS[5]!, 'CERTIFICATE_MALFORMED', err instanceof Error ? err.message : String(err));
        }
      }
      if (failures.length > 0) break;
      try {
        const executed = await chain.validate(block);
        await chain.commit(executed, { certificate: got.certificate! });
      } catch (err) {
        const code = isLedgerError(err) ? err.code : 'REPLAY_FAILED';
        const check = code === 'STATE_ROOT_MISMATCH' ? CHECKS[7]! : CHECKS[6]!;
        fail(h, check, code, err instanceof Error ? err.message : String(err));
        break;
      }
      txs += block.txs.length;
      verified = h;
      previous = block;
    }
    if (
      failures.length === 0 &&
      previous !== undefined &&
      head.blockHash !== '' &&
      verified === head.height
    ) {
      if (head.blockHash !== toHex(previous.hash))
        fail(verified, 'head', 'HEAD_MISMATCH', 'the source reports another head hash than its last block');
    }
    return {
      verdict: failures.length === 0 && verified === head.height ? 'PASS' : 'FAIL',
      source: source.description,
      genesisFrom: options.genesis === undefined ? 'source' : 'trusted-file',
      chainId: genesis.chainId,
      validators: validators.n,
      quorum: validators.quorum,
      sourceHeight: head.height,
      verifiedHeight: verified,
      blocks: verified + 1,
      txs,
      txSignatures: txs,
      certificates,
      precommitSignatures: precommits,
      stateRoot: toHex(store.stateRoot),
      lastBlockHash: previous === undefined ? '' : toHex(previous.hash),
      checks: CHECKS,
      failures,
      durationMs: Date.now() - started,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A human-readable report. */
export function formatAuditReport(r: AuditReport): string {
  const lines = [
    `PrivGate chain audit — ${r.source}`,
    `  chain ${r.chainId}: ${r.validators} validators, quorum ${r.quorum}; genesis from ${r.genesisFrom === 'source' ? 'the audited node (pass --genesis to audit against a trusted file)' : 'a trusted file'}`,
    `  height reported ${r.sourceHeight}, verified ${r.verifiedHeight} (${r.blocks} blocks incl. genesis)`,
    `  transactions re-executed: ${r.txs}  (SM2 signatures verified: ${r.txSignatures})`,
    `  commit certificates verified: ${r.certificates}  (SM2 precommits verified: ${r.precommitSignatures})`,
    `  last block ${r.lastBlockHash}`,
    `  state root ${r.stateRoot}`,
    '  checks:',
    ...r.checks.map((c) => `    - ${c}`),
  ];
  if (r.failures.length > 0) {
    lines.push('  failures:');
    for (const f of r.failures) lines.push(`    ✗ height ${f.height}: ${f.check}: ${f.code} — ${f.detail}`);
  }
  lines.push(`VERDICT: ${r.verdict} (${(r.durationMs / 1000).toFixed(1)} s)`);
  return `${lines.join('\n')}\n`;
}
