/** The mempool: bounded, deduplicating, replay-proof, verified once on entry in batches. */
export {
  type Admission,
  type Eviction,
  Mempool,
  type MempoolComponents,
  type MempoolInit,
} from './mempool.ts';
