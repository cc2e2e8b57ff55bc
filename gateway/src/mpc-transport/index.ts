/** Gateway-to-gateway network on libp2p: peer bindings, the gated host, RPC, and MPC session transports. */
export { TransportError, type TransportErrorCode, type TransportErrorContexts } from './errors.ts';
export {
  DEFAULT_HOST_LIMITS,
  type FrameHandler,
  type GatewayHost,
  type GatewayHostInit,
  type GatewayHostLimits,
  type HostStats,
  MPC_PROTOCOL,
  RPC_PROTOCOL,
  type RpcHandler,
  startGatewayHost,
} from './gateway-host.ts';
export { type PeerBinding, PeerDirectory, peerBindingBytes, signPeerBinding } from './peer-binding.ts';
export {
  type SessionTransport,
  SessionTransports,
  type SessionTransportsOptions,
} from './session-transports.ts';
export { decodeWire, encodeWire } from './wire.ts';
