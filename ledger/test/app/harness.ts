/**
 * Shared fixtures of the application-layer tests: a consortium with deterministic keys, a genesis, real
 * collaborators (accel's CPU accelerator, a snarkjs Groth16 verifier over the multiplier fixture) and
 * transaction builders. Nothing here fakes a verification result.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Accelerator,
  createCpuAccelerator,
  Sm2Signer,
  type Sm2VerifyRequest,
  sm3,
} from '@privgate/accel';
import { LedgerChain } from '../../src/block/chain.ts';
import type { CborValue } from '../../src/codec/canonical.ts';
import type { GenesisDocument, GenesisOrg } from '../../src/contracts/genesis.ts';
import { type GovernanceChange, governancePayload, signApproval } from '../../src/contracts/governance.ts';
import type { Groth16Proof, ProofVerificationItem, ProofVerifier } from '../../src/contracts/interface.ts';
import type { Role } from '../../src/contracts/tables.ts';
import { readVkeyBytes } from '../../src/contracts/vkey-registry.ts';
import type { StateReader } from '../../src/state/interface.ts';
import { StateStore, type StateStoreInit } from '../../src/state/store.ts';
import { toHex, utf8 } from '../../src/tx/bytes.ts';
import { signTx, type TxKind } from '../../src/tx/codec.ts';

export const CHAIN_ID = 'privgate-test';
export const GENESIS_TIME = 1_750_000_000_000;

/** A test organisation: id, roles and a signer with a key derived from its name. */
export interface TestOrg {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly signer: Sm2Signer;
}

const signers = new Map<string, Sm2Signer>();

/** A signer whose private key is SM3 of the name (cached: key setup costs a scalar multiplication). */
export function signerFor(name: string): Sm2Signer {
  let s = signers.get(name);
  if (s === undefined) {
    s = new Sm2Signer(sm3(utf8(`privgate-test-key/${name}`)));
    signers.set(name, s);
  }
  return s;
}

export function org(id: string, ...roles: Role[]): TestOrg {
  return { id, roles, signer: signerFor(id) };
}

/** Four validators (quorum 3), two gateways, two agencies, an auditor. */
export const ORGS = {
  v1: org('val-1', 'validator'),
  v2: org('val-2', 'validator'),
  v3: org('val-3', 'validator'),
  v4: org('val-4', 'validator'),
  gw1: org('gw-1', 'gateway'),
  gw2: org('gw-2', 'gateway'),
  ag1: org('agency-tax', 'agency'),
  ag2: org('agency-customs', 'agency'),
  au1: org('auditor-1', 'auditor'),
} as const;

const here = dirname(fileURLToPath(import.meta.url));
/** The multiplier circuit's verification key (snarkjs JSON) as bytes. */
export const MULTIPLIER_VKEY: Uint8Array = new Uint8Array(
  readFileSync(join(here, 'fixtures/multiplier.vkey.json')),
);
/** Three real proofs of the multiplier circuit: public signals [c, a]. */
export const MULTIPLIER_PROOFS: { proof: Groth16Proof; publicSignals: string[] }[] = JSON.parse(
  readFileSync(join(here, 'fixtures/multiplier.proofs.json'), 'utf8'),
);

export function genesisDoc(extra: Partial<GenesisDocument> = {}): GenesisDocument {
  const orgs: GenesisOrg[] = Object.values(ORGS).map((o) => ({
    id: o.id,
    publicKey: o.signer.publicKey,
    roles: o.roles,
  }));
  return {
    chainId: CHAIN_ID,
    timestamp: GENESIS_TIME,
    orgs,
    vkeys: [{ circuit: 'multiplier', vkey: MULTIPLIER_VKEY }],
    ...extra,
  };
}

interface Snarkjs {
  groth16: { verify(vkey: unknown, publicSignals: readonly string[], proof: Groth16Proof): Promise<boolean> };
}
let snarkjsModule: Promise<Snarkjs> | undefined;
// A non-literal specifier: snarkjs ships no types, and an ambient module declaration would leak into the workspace.
const loadSnarkjs = (): Promise<Snarkjs> => {
  snarkjsModule ??= import(String('snarkjs')) as Promise<Snarkjs>;
  return snarkjsModule;
};

/** Releases snarkjs's BN254 worker threads (they keep a process alive). */
export async function terminateSnarkjs(): Promise<void> {
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  await curve?.terminate();
}

/**
 * A real Groth16 verifier: resolves the verification key from the ledger state by its hash and runs
 * snarkjs's `groth16.verify` on each item. Counts calls so tests can see batching and reuse.
 */
export class SnarkjsVerifier implements ProofVerifier {
  batches = 0;
  items = 0;

  constructor(private readonly state: StateReader) {}

  async verifyBatch(items: readonly ProofVerificationItem[]): Promise<boolean[]> {
    this.batches++;
    this.items += items.length;
    const snarkjs = await loadSnarkjs();
    const out: boolean[] = [];
    for (const item of items) {
      const bytes = await readVkeyBytes(this.state, item.vkeyHash);
      if (bytes === undefined) {
        out.push(false);
        continue;
      }
      const vkey = JSON.parse(Buffer.from(bytes).toString('utf8'));
      out.push(await snarkjs.groth16.verify(vkey, item.publicSignals, item.proof));
    }
    return out;
  }
}

/** The real CPU accelerator, counting the signatures it is asked to verify. */
export class CountingAccelerator implements Pick<Accelerator, 'sm2VerifyBatch'> {
  readonly inner = createCpuAccelerator();
  batches = 0;
  items = 0;

  sm2VerifyBatch(items: readonly Sm2VerifyRequest[]): Promise<boolean[]> {
    this.batches++;
    this.items += items.length;
    return this.inner.sm2VerifyBatch(items);
  }
}

/** A temporary directory removed by the returned function. */
export function tempDir(label: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `privgate-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A store with genesis committed, its chain and collaborators. */
export interface TestLedger {
  readonly store: StateStore;
  readonly chain: LedgerChain;
  readonly accel: CountingAccelerator;
  readonly verifier: SnarkjsVerifier;
  readonly dir: string;
  close(): Promise<void>;
}

export async function openLedger(
  init: StateStoreInit & { genesis?: GenesisDocument; dir?: string } = {},
): Promise<TestLedger> {
  const tmp = init.dir === undefined ? tempDir('ledger') : undefined;
  const dir = init.dir ?? tmp!.path;
  const store = await StateStore.open(dir, { sync: false, ...init });
  const accel = new CountingAccelerator();
  const verifier = new SnarkjsVerifier(store);
  const chain = new LedgerChain({ chainId: CHAIN_ID }, { store, accel, proofVerifier: verifier });
  if (store.height === -1) await chain.initGenesis(init.genesis ?? genesisDoc());
  return {
    store,
    chain,
    accel,
    verifier,
    dir,
    close: async () => {
      await store.close();
      await accel.inner.close();
      tmp?.remove();
    },
  };
}

/** Nonce counters per sender, for building sequences of transactions. */
export class Nonces {
  private readonly next = new Map<string, number>();
  peek(sender: string): number {
    return this.next.get(sender) ?? 1;
  }
  take(sender: string): number {
    const n = this.next.get(sender) ?? 1;
    this.next.set(sender, n + 1);
    return n;
  }
}

/** Signs a transaction of `from`. */
export function tx(
  from: TestOrg,
  kind: TxKind,
  payload: readonly CborValue[],
  nonce: number,
  timestamp = GENESIS_TIME + 1000,
  chainId = CHAIN_ID,
): Uint8Array {
  return signTx({ chainId, kind, sender: from.id, nonce, timestamp, payload }, from.signer);
}

/** A governance payload with approvals from `approvers`. */
export function approved(change: Uint8Array, approvers: readonly TestOrg[]): CborValue[] {
  return governancePayload(
    change,
    approvers.map((a) => ({ orgId: a.id, signature: signApproval(change, a.signer) })),
  );
}

/** Hex of bytes, for assertion messages. */
export const hex = toHex;

/** Deterministic 32-byte values for tests. */
export function digest(label: string): Uint8Array {
  return sm3(utf8(label));
}

/** A 32-byte field element (below BN254's r): a digest with its top byte cleared. */
export function field(label: string): Uint8Array {
  const d = digest(label);
  d[0] = 0;
  return d;
}

export type { GovernanceChange };
