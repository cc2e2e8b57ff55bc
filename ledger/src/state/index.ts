/** State: LevelDB store with atomic block commits, incremental SM3 state root, block and tx indexes. */
export { ScalableBloomFilter } from './bloom.ts';
export { BucketTree, EMPTY_BUCKET_DIGEST } from './bucket-tree.ts';
export type { ChainHead, StateChange, StateReader } from './interface.ts';
export { BUCKET_COUNT, bucketOf, entryLeaf, isLogKey, Namespace, stateKey } from './keys.ts';
export { LogAccumulator } from './log-accumulator.ts';
export { StateOverlay } from './overlay.ts';
export { combineStateRoot } from './state-root.ts';
export {
  type CommitExtras,
  type PreparedState,
  StateStore,
  type StateStoreInit,
  type TxLocation,
} from './store.ts';
