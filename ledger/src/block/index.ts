/** Blocks: format, hashing, inclusion proofs, execution and the propose/validate/commit cycle. */
export {
  type ExecutedBlock,
  LedgerChain,
  type LedgerChainComponents,
  type LedgerChainInit,
  type ProposedBlock,
} from './chain.ts';
export {
  BLOCK_VERSION,
  type Block,
  type BlockHeader,
  blockHash,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  GENESIS_PROPOSER,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_TXS,
  txRootOf,
} from './codec.ts';
export {
  applyBlock,
  type BlockExecution,
  type ExecutionMode,
  TX_MAX_AGE_MS,
  TX_MAX_FUTURE_MS,
  type TxFailure,
} from './execute.ts';
export { type TxInclusionProof, verifyTxInclusion } from './inclusion.ts';
