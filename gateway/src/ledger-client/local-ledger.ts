/**
 * LocalLedger: a single-node ledger inside the gateway process, for development and tests. It runs the
 * consortium's real chain (`LedgerChain`: envelope checks, SM2 signatures, Groth16 proofs, the system
 * contracts) on a real `StateStore` (LevelDB in `dir`), and commits every submitted transaction in a block
 * of its own at once.
 *
 * DEV MODE: there is no consensus and no other validator. Blocks are proposed by the first validator of
 * genesis and committed without votes or certificates, so this ledger is exactly as trustworthy as the
 * process that runs it. Several gateways in one process may share one instance; production gateways talk
 * to the multi-validator node through its HTTP API instead.
 */
import { type Accelerator, createCpuAccelerator } from '@privgate/accel';
import {
  auditEventKey,
  type Block,
  type CborValue,
  type DatasetHead,
  type DatasetVersion,
  decodeCanonical,
  type GenesisDocument,
  IdentityView,
  isLedgerError,
  LedgerChain,
  type PolicyRecord,
  type ProofVerifier,
  readDatasetHead,
  readDatasetVersion,
  readNonce,
  readPolicy,
  readVkey,
  StateStore,
  type VkeyRecord,
} from '@privgate/ledger';
import { LedgerClientError } from './errors.ts';
import type { AuditEvent, CommittedTx, LedgerClient, LedgerIdentity } from './interface.ts';
import { circuitsProofVerifier } from './proof-verifier.ts';

/** Options of {@link LocalLedger.open}. */
export interface LocalLedgerInit {
  chainId: string;
  /** LevelDB directory (created when missing). */
  dir: string;
  /** Required for an empty directory; ignored when the store already holds a chain. */
  genesis?: GenesisDocument;
  /** fsync each block (default true; tests pass false). */
  sync?: boolean;
  /** Block clock, ms since the epoch (default `Date.now`); blocks get strictly increasing times anyway. */
  clock?: () => number;
}

/** Collaborators; defaults are the CPU accelerator and the circuits-backed proof verifier. */
export interface LocalLedgerComponents {
  accel?: Pick<Accelerator, 'sm2VerifyBatch' | 'close'>;
  proofVerifier?: ProofVerifier;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** An in-process single-node ledger (dev mode, see the file comment). */
export class LocalLedger implements LedgerClient {
  readonly chainId: string;
  readonly #store: StateStore;
  readonly #chain: LedgerChain;
  readonly #accel: Pick<Accelerator, 'sm2VerifyBatch' | 'close'>;
  readonly #ownsAccel: boolean;
  readonly #clock: () => number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    chainId: string,
    store: StateStore,
    chain: LedgerChain,
    accel: Pick<Accelerator, 'sm2VerifyBatch' | 'close'>,
    ownsAccel: boolean,
    clock: () => number,
  ) {
    this.chainId = chainId;
    this.#store = store;
    this.#chain = chain;
    this.#accel = accel;
    this.#ownsAccel = ownsAccel;
    this.#clock = clock;
  }

  /**
   * Opens the store in `init.dir` and commits genesis when it is empty.
   * @throws {LedgerClientError} `LEDGER_UNAVAILABLE` when the store cannot be opened, holds another chain,
   *   or is empty and no valid genesis is given.
   */
  static async open(init: LocalLedgerInit, components: LocalLedgerComponents = {}): Promise<LocalLedger> {
    let store: StateStore;
    try {
      store = await StateStore.open(init.dir, { sync: init.sync ?? true });
    } catch (err) {
      throw unavailable(err);
    }
    const accel = components.accel ?? createCpuAccelerator();
    const chain = new LedgerChain(
      { chainId: init.chainId },
      { store, accel, proofVerifier: components.proofVerifier ?? circuitsProofVerifier(store) },
    );
    try {
      if (store.height === -1) {
        if (init.genesis === undefined)
          throw new Error(`${init.dir} holds no chain and no genesis was given`);
        await chain.initGenesis(init.genesis);
      } else {
        const block = await store.blockAt(0);
        if (block?.header.chainId !== init.chainId) throw new Error(`${init.dir} holds another chain`);
      }
    } catch (err) {
      await store.close();
      if (components.accel === undefined) await accel.close();
      throw unavailable(err);
    }
    return new LocalLedger(
      init.chainId,
      store,
      chain,
      accel,
      components.accel === undefined,
      init.clock ?? Date.now,
    );
  }

  /** Height of the last committed block. */
  get height(): number {
    return this.#store.height;
  }

  submit(tx: Uint8Array): Promise<CommittedTx> {
    const run = this.#queue.then(() => this.#commitOne(tx));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #commitOne(tx: Uint8Array): Promise<CommittedTx> {
    this.#assertOpen();
    const head = this.#store.head!;
    const proposer = (await new IdentityView(this.#store).validators())[0];
    if (proposer === undefined) throw unavailable(new Error('the chain has no validator'));
    const timestamp = Math.max(this.#clock(), head.timestamp + 1);
    let proposed: Awaited<ReturnType<LedgerChain['propose']>>;
    try {
      proposed = await this.#chain.propose({ proposer, timestamp, txs: [tx] });
    } catch (err) {
      throw unavailable(err);
    }
    const failure = proposed.excluded[0];
    if (failure !== undefined || proposed.execution.txIds.length !== 1) {
      const error = failure?.error;
      throw new LedgerClientError('LEDGER_TX_REJECTED', error?.message ?? 'transaction excluded', {
        ledgerCode: error?.code ?? 'TX_MALFORMED',
        txId: failure?.id === undefined ? '' : hex(failure.id),
        reason: error?.message ?? 'excluded from the block',
        ...(error?.context === undefined ? {} : { details: { ...error.context } }),
      });
    }
    try {
      await this.#chain.commit(proposed);
    } catch (err) {
      throw unavailable(err);
    }
    const id = proposed.execution.txIds[0]!;
    return { id, idHex: hex(id), height: proposed.execution.env.height, index: 0, blockTime: timestamp };
  }

  async lastNonce(orgId: string): Promise<number> {
    return this.#read(() => readNonce(this.#store, orgId));
  }

  async identity(orgId: string): Promise<LedgerIdentity | undefined> {
    const org = await this.#read(() => new IdentityView(this.#store).org(orgId));
    return org === undefined
      ? undefined
      : { id: org.id, publicKey: org.publicKey, roles: org.roles, name: org.name, version: org.version };
  }

  datasetHead(dataset: string): Promise<DatasetHead | undefined> {
    return this.#read(() => readDatasetHead(this.#store, dataset));
  }

  datasetVersion(dataset: string, version: number): Promise<DatasetVersion | undefined> {
    return this.#read(() => readDatasetVersion(this.#store, dataset, version));
  }

  policy(policyId: string): Promise<PolicyRecord | undefined> {
    return this.#read(() => readPolicy(this.#store, policyId));
  }

  vkey(circuit: string): Promise<VkeyRecord | undefined> {
    return this.#read(() => readVkey(this.#store, circuit));
  }

  async auditTrail(queryId: Uint8Array): Promise<AuditEvent[]> {
    const [opened, closed] = await this.#read(() =>
      this.#store.getMany([auditEventKey(queryId, 0), auditEventKey(queryId, 1)]),
    );
    const events: AuditEvent[] = [];
    if (opened !== undefined) events.push(decodeAuditEvent(opened));
    if (closed !== undefined) events.push(decodeAuditEvent(closed));
    return events;
  }

  async transaction(
    id: Uint8Array,
  ): Promise<{ height: number; index: number; bytes: Uint8Array } | undefined> {
    return this.#read(() => this.#store.tx(id));
  }

  /** A committed block, or undefined above the head (the gateway's read-only ledger routes show it). */
  async block(height: number): Promise<Block | undefined> {
    if (!Number.isSafeInteger(height) || height < 0) return undefined;
    return this.#read(() => this.#store.blockAt(height));
  }

  /** Waits for pending submissions, then closes the store (and the accelerator it created). */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue;
    this.#closed = true;
    await this.#store.close();
    if (this.#ownsAccel) await this.#accel.close();
  }

  async #read<T>(fn: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      return await fn();
    } catch (err) {
      throw unavailable(err);
    }
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new LedgerClientError('LEDGER_UNAVAILABLE', 'local ledger is closed', { reason: 'closed' });
  }
}

function unavailable(err: unknown): LedgerClientError {
  if (err instanceof LedgerClientError) return err;
  const reason = isLedgerError(err)
    ? `${err.code}: ${err.message}`
    : err instanceof Error
      ? err.message
      : String(err);
  return new LedgerClientError('LEDGER_UNAVAILABLE', `ledger unavailable: ${reason}`, { reason });
}

/** Decodes a stored audit event (layout in the ledger's `contracts/tables.ts`). */
export function decodeAuditEvent(bytes: Uint8Array): AuditEvent {
  const v = decodeCanonical(bytes, 1 << 20, 'auditEvent') as CborValue[];
  const text = (x: CborValue | undefined): string => String(x);
  const num = (x: CborValue | undefined): number => Number(x);
  const optional = <K extends string>(key: K, x: CborValue | undefined): { [k in K]?: Uint8Array } =>
    (x instanceof Uint8Array ? { [key]: x } : {}) as { [k in K]?: Uint8Array };
  switch (v[0]) {
    case 1:
      return {
        kind: 'opened',
        requester: text(v[1]),
        policyId: text(v[2]),
        queryKind: text(v[3]),
        datasets: (v[4] as CborValue[]).map(text),
        purpose: text(v[5]),
        disclosure: v[6] === 2 ? 'verdict' : 'aggregate',
        height: num(v[7]),
        timestamp: num(v[8]),
        ...optional('txId', v[9]),
      };
    case 2:
      return {
        kind: 'answered',
        gateway: text(v[1]),
        resultCommitment: v[2] as Uint8Array,
        proofIds: (v[3] as CborValue[]).map((p) => p as Uint8Array),
        height: num(v[4]),
        timestamp: num(v[5]),
        ...optional('txId', v[6]),
        ...optional('record', v[7]),
      };
    default:
      return {
        kind: 'failed',
        gateway: text(v[1]),
        reason: text(v[2]),
        height: num(v[3]),
        timestamp: num(v[4]),
        ...optional('txId', v[5]),
      };
  }
}
