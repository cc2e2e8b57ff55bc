/**
 * The contract of a ledger node: its options (`LedgerNodeInit`), its collaborators
 * (`LedgerNodeComponents`: store, WAL, network, accelerator), what it tells listeners when a block is
 * committed, and what its status reports.
 */
import type { Accelerator } from '@privgate/accel';
import type { Block } from '../block/codec.ts';
import type { ProofVerifier } from '../contracts/interface.ts';
import type { MempoolInit } from '../mempool/mempool.ts';
import type { StateStore } from '../state/store.ts';
import type { LedgerGenesis } from './genesis.ts';
import type { NodeLogger } from './logger.ts';
import type { PeerBudget } from './peer-limits.ts';
import type { NodeTransport } from './transport.ts';
import type { TxIntakeInit } from './tx-intake.ts';
import type { WalStore } from './wal-store.ts';

/** Options of a node. */
export interface LedgerNodeInit {
  readonly genesis: LedgerGenesis;
  /** This node's validator id (from genesis). */
  readonly validatorId: string;
  /** Its SM2 private key (signs consensus messages). */
  readonly privateKey: Uint8Array;
  readonly mempool?: Pick<MempoolInit, 'maxTxs' | 'maxBytes' | 'maxNonceAhead'>;
  readonly intake?: TxIntakeInit;
  readonly peerBudget?: PeerBudget;
  /** Status gossip period (default 1,000 ms). */
  readonly statusIntervalMs?: number;
  /** Most peer messages queued for the consensus lane (default 20,000). */
  readonly maxQueuedMessages?: number;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
}

/** Collaborators of a node. */
export interface LedgerNodeComponents {
  readonly store: StateStore;
  readonly wal: WalStore;
  readonly network: NodeTransport;
  /** SM2 batches for transactions; Groth16 batches for their proofs when it has them. */
  readonly accel: Pick<Accelerator, 'sm2VerifyBatch'> & Partial<Pick<Accelerator, 'groth16VerifyBatch'>>;
  /**
   * Groth16 verifier (default: `Groth16ProofVerifier` over the keys registered in the store, on `accel`'s
   * `groth16VerifyBatch`, else on a single-thread engine).
   */
  readonly proofVerifier?: ProofVerifier;
  readonly logger?: NodeLogger;
}

/** A block this node committed. */
export interface CommittedBlock {
  readonly block: Block;
  readonly txIds: readonly Uint8Array[];
  /** The round it was decided in. */
  readonly round: number;
  /** `consensus`: decided here; `sync`: fetched with its certificate from a peer. */
  readonly source: 'consensus' | 'sync';
}

/** What `status()` reports. */
export interface NodeStatus {
  readonly nodeId: string;
  readonly chainId: string;
  readonly peerId: string;
  readonly height: number;
  readonly lastBlockHash: string;
  readonly stateRoot: string;
  readonly lastBlockTime: number;
  readonly consensus: { readonly height: number; readonly round: number; readonly step: string };
  readonly syncing: boolean;
  readonly mempool: { readonly size: number; readonly bytes: number; readonly admitting: number };
  readonly peers: readonly {
    readonly id: string;
    readonly peerId: string;
    readonly connected: boolean;
    readonly committed: number | null;
  }[];
  readonly evidence: number;
  readonly counters: Readonly<Record<string, number>>;
}
