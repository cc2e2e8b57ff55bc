/**
 * The network the MPC engine runs on: authenticated point-to-point channels between the gateways of one
 * session. The gateway implements it over libp2p streams (Noise gives authentication and confidentiality);
 * tests use {@link createInMemoryNetwork} from `in-memory-network.ts`.
 */

/** A gateway's identity in a session (its peer id or configured name). */
export type PartyId = string;

/** Called once per message received, with the authenticated sender. Must not throw. */
export type MessageHandler = (from: PartyId, message: Uint8Array) => void;

/** Called when the transport learns that a peer is gone (connection closed, process crashed). */
export type PeerDownHandler = (peer: PartyId) => void;

/**
 * One party's end of the session network. Requirements the protocol relies on:
 * - channels are authenticated: `from` is the real sender, not a claim inside the message;
 * - channels are confidential: shares travel in the clear inside messages;
 * - no ordering or delivery guarantee is needed: the engine buffers out-of-order messages and times out on
 *   lost ones.
 */
export interface MpcTransport {
  /** Sends `message` to `to`; may reject when the peer is unreachable (treated as a dropped party). */
  send(to: PartyId, message: Uint8Array): void | Promise<void>;
  /** Registers the handler for incoming messages; returns a function that unregisters it. */
  onMessage(handler: MessageHandler): () => void;
  /** Optional: registers a handler for peers that went away; returns a function that unregisters it. */
  onPeerDown?(handler: PeerDownHandler): () => void;
}
