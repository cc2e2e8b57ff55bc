// @privgate/ledger — the permissioned ledger the ministries run together: Tendermint consensus,
// canonical encodings, transactions, blocks, state, system contracts, mempool, network and node runtime.
import './net/polyfill.ts';

export * from './block/index.ts';
export * from './codec/index.ts';
export * from './consensus/index.ts';
export * from './contracts/index.ts';
export * from './mempool/index.ts';
export {
  type LedgerNetwork,
  type LedgerNetworkEvents,
  type LedgerNetworkInit,
  newPeerKey,
  type PeerEntry,
  startLedgerNetwork,
} from './net/network.ts';
export * from './node/index.ts';
export * from './state/index.ts';
export * from './tx/index.ts';
