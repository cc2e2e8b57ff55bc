// @privgate/gateway — one ministry's gateway: data store, datasets, HTTP building blocks, and the MPC
// engine that combines figures across gateways without revealing them.

export * from './commitments/index.ts';
export * from './config.ts';
export * from './contribution/index.ts';
export * from './datasets/index.ts';
export * from './errors.ts';
export * from './http/index.ts';
export * from './ledger-client/index.ts';
export * from './logging.ts';
export * from './mpc/index.ts';
export * from './mpc-transport/index.ts';
export * from './query/index.ts';
export * from './server/index.ts';
export * from './store/index.ts';
export * from './synthetic/index.ts';
