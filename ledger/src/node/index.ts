/** The node runtime: genesis file, key files, the validator driver, its network, HTTP API and audit. */
export {
  type AuditFailure,
  type AuditReport,
  auditChain,
  type ChainSource,
  formatAuditReport,
  httpChainSource,
  storeChainSource,
} from './audit.ts';
export { createSm2ConsensusCrypto } from './consensus-crypto.ts';
export { type DroppedTx, DroppedTxs } from './dropped-txs.ts';
export { LedgerNodeError, type LedgerNodeErrorCode } from './errors.ts';
export {
  DEFAULT_CHAIN_PARAMS,
  type GenesisValidatorEntry,
  genesisDocumentOf,
  type LedgerGenesis,
  LedgerGenesisSchema,
  parseLedgerGenesis,
  readLedgerGenesis,
  timeoutsOf,
  validatorSetOf,
  writeLedgerGenesis,
} from './genesis.ts';
export { Groth16ProofVerifier, releaseGroth16 } from './groth16-verifier.ts';
export { blockJson, createHttpApi, decodeTxText, type HttpApiOptions } from './http-api.ts';
export {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemDetails,
  problemFor,
  statusOf,
} from './http-problem.ts';
export { type NodeHttpServer, startHttpServer } from './http-server.ts';
export type { CommittedBlock, LedgerNodeComponents, LedgerNodeInit, NodeStatus } from './interface.ts';
export { generateNodeKeys, type NodeKeys, readKeyFile, writeKeyFile } from './key-file.ts';
export { createLedgerNode, LedgerNode } from './ledger-node.ts';
export {
  createLocalNetwork,
  type LocalNetwork,
  type LocalNetworkOptions,
  type LocalOrg,
  localPaths,
  type OrgKeys,
  writeLocalNetwork,
} from './local-network.ts';
export { createJsonLogger, type LogLevel, type NodeLogger, silentLogger } from './logger.ts';
export { DEFAULT_PEER_BUDGET, type PeerBudget, PeerLimiter } from './peer-limits.ts';
export { type RunNodeOptions, type RunningNode, runLedgerNode } from './run-node.ts';
export { MemoryTransportHub, type NodeTransport, startNodeTransport } from './transport.ts';
export { LevelWalStore, MemoryWalStore, type RestoredWal, type WalStore } from './wal-store.ts';
export { decodeWire, encodeWire, type WireMessage } from './wire.ts';
