/** A running test chain: sends transactions with the right nonces and commits blocks one at a time. */
import { expect } from 'vitest';
import type { ProposedBlock } from '../../src/block/chain.ts';
import { applyBlock, type BlockExecution } from '../../src/block/execute.ts';
import type { CborValue } from '../../src/codec/canonical.ts';
import type { BlockEnv } from '../../src/contracts/interface.ts';
import type { TxKind } from '../../src/tx/codec.ts';
import { GENESIS_TIME, Nonces, openLedger, type TestLedger, type TestOrg, tx } from './harness.ts';

export class Scenario {
  readonly nonces = new Nonces();
  time = GENESIS_TIME;

  private constructor(readonly l: TestLedger) {}

  static async start(): Promise<Scenario> {
    return new Scenario(await openLedger());
  }

  get store() {
    return this.l.store;
  }

  /** A signed transaction of `from` with its next nonce. */
  send(
    from: TestOrg,
    kind: TxKind,
    payload: readonly CborValue[],
    nonce = this.nonces.take(from.id),
  ): Uint8Array {
    return tx(from, kind, payload, nonce, this.time + 500);
  }

  /** A signed transaction with the next nonce, which stays available (for transactions to be refused). */
  attempt(from: TestOrg, kind: TxKind, payload: readonly CborValue[]): Uint8Array {
    return tx(from, kind, payload, this.nonces.peek(from.id), this.time + 500);
  }

  /** The environment of the next block. */
  env(): BlockEnv {
    return {
      chainId: this.l.chain.chainId,
      height: this.store.height + 1,
      timestamp: this.time + 1000,
      proposer: 'val-1',
    };
  }

  /** Proposes a block from `txs` and commits it; returns what was left out. */
  async commit(txs: readonly Uint8Array[]): Promise<ProposedBlock> {
    this.time += 1000;
    const proposed = await this.l.chain.propose({ proposer: 'val-1', timestamp: this.time, txs });
    await this.l.chain.commit(proposed);
    return proposed;
  }

  /** Commits a block in which every transaction must be applied. */
  async ok(...txs: Uint8Array[]): Promise<ProposedBlock> {
    const p = await this.commit(txs);
    expect(p.excluded.map((e) => `${e.index}:${e.error.code}:${e.error.message}`)).toEqual([]);
    return p;
  }

  /** Executes without committing (validate mode: the first failure throws). */
  validate(txs: readonly Uint8Array[]): Promise<BlockExecution> {
    const { accel, verifier } = this.l;
    return applyBlock(this.store, this.env(), txs, { accel, proofVerifier: verifier }, 'validate');
  }

  /**
   * Asserts that the last of `txs` is refused with `code` — a block containing it is invalid, a proposer
   * leaves it out — and that the state is unchanged (root and full dump) after committing the rest, when
   * the rest is empty.
   */
  async refuse(txs: readonly Uint8Array[], code: string): Promise<void> {
    const before = { root: this.store.stateRoot, dump: await this.store.dump(), height: this.store.height };
    await expect(this.validate(txs)).rejects.toMatchObject({ code });
    expect(this.store.height).toBe(before.height);
    const p = await this.commit(txs);
    expect(p.excluded.map((e) => e.error.code)).toContain(code);
    expect(p.excluded.find((e) => e.error.code === code)?.index).toBe(txs.length - 1);
    if (txs.length === 1) {
      expect(p.block.txs).toEqual([]);
      expect(this.store.stateRoot).toEqual(before.root);
      expect(await this.store.dump()).toEqual(before.dump);
    }
  }

  close(): Promise<void> {
    return this.l.close();
  }
}
