/** Read access to the state, shared by the committed store and a block's working overlay. */

/** Reads logical state keys (see `keys.ts`). */
export interface StateReader {
  /** The value of a key, or undefined when absent. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Values of several keys in one round trip, in order. */
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
}

/** One logical change of a block, in application order. */
export type StateChange =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'delete'; readonly key: Uint8Array }
  | { readonly kind: 'append'; readonly key: Uint8Array; readonly value: Uint8Array };

/** The committed head of the chain. */
export interface ChainHead {
  readonly height: number;
  readonly blockHash: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly timestamp: number;
}
