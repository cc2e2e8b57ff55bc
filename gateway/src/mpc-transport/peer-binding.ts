/**
 * Which libp2p peer speaks for which ledger organisation. A gateway's libp2p key (Ed25519, used by Noise)
 * is not its ledger key (SM2), so the gateway signs a binding with its ledger key:
 *
 *   signed = "privgate/gateway-peer/v1\0" ‖ chainId ‖ "\0" ‖ orgId ‖ "\0" ‖ peerId ‖ "\0" ‖ addrs joined by "\n"
 *
 * (SM2, GB/T 32918, default user ID). The peer directory accepts a binding only when the organisation is
 * registered on the ledger, holds the `gateway` role, and its registered key verifies the signature; the
 * connection gater then admits exactly the accepted peer ids, and every message from a connection is
 * attributed to the organisation bound to its Noise-authenticated peer id. Bindings travel out of band
 * (configuration, the operator's directory); the ledger stays the authority on who is a gateway.
 */
import { type Sm2Signer, verifySm2 } from '@privgate/accel';
import type { LedgerClient } from '../ledger-client/interface.ts';
import { TransportError } from './errors.ts';

/** A signed statement that `peerId` (at `addrs`) is organisation `orgId`'s gateway. */
export interface PeerBinding {
  orgId: string;
  peerId: string;
  addrs: string[];
  /** 64-byte raw SM2 signature r ‖ s. */
  signature: Uint8Array;
}

/** The bytes a binding's signature covers. */
export function peerBindingBytes(chainId: string, b: Omit<PeerBinding, 'signature'>): Uint8Array {
  return new TextEncoder().encode(
    `privgate/gateway-peer/v1\0${chainId}\0${b.orgId}\0${b.peerId}\0${b.addrs.join('\n')}`,
  );
}

/** Signs a binding with the organisation's ledger key. */
export function signPeerBinding(
  chainId: string,
  b: Omit<PeerBinding, 'signature'>,
  signer: Sm2Signer,
): PeerBinding {
  return { ...b, addrs: [...b.addrs], signature: signer.sign(peerBindingBytes(chainId, b)) };
}

/**
 * Verified bindings, by peer id and by organisation. Lookups are synchronous (the connection gater
 * calls them on every connection); `add` and `refresh` consult the ledger.
 */
export class PeerDirectory {
  readonly #ledger: LedgerClient;
  readonly #byPeer = new Map<string, PeerBinding>();
  readonly #byOrg = new Map<string, PeerBinding>();

  constructor(ledger: LedgerClient) {
    this.#ledger = ledger;
  }

  /**
   * Verifies a binding against the ledger and accepts it (replacing the organisation's previous one).
   * @throws {TransportError} `TRANSPORT_BINDING_INVALID` naming why.
   */
  async add(binding: PeerBinding): Promise<void> {
    const reason = await this.#problem(binding);
    if (reason !== undefined) {
      throw new TransportError('TRANSPORT_BINDING_INVALID', `binding of ${binding.orgId}: ${reason}`, {
        orgId: binding.orgId,
        peerId: binding.peerId,
        reason,
      });
    }
    const previous = this.#byOrg.get(binding.orgId);
    if (previous !== undefined) this.#byPeer.delete(previous.peerId);
    this.#byOrg.set(binding.orgId, binding);
    this.#byPeer.set(binding.peerId, binding);
  }

  async #problem(b: PeerBinding): Promise<string | undefined> {
    const org = await this.#ledger.identity(b.orgId);
    if (org?.publicKey == null) return 'not a registered organisation';
    if (!org.roles.includes('gateway')) return 'not a gateway';
    try {
      if (!verifySm2(peerBindingBytes(this.#ledger.chainId, b), b.signature, org.publicKey))
        return 'bad signature';
    } catch {
      return 'malformed signature';
    }
    const owner = this.#byPeer.get(b.peerId);
    if (owner !== undefined && owner.orgId !== b.orgId) return `peer id already bound to ${owner.orgId}`;
    return undefined;
  }

  /** Re-checks every binding against the ledger and drops those no longer valid; returns the dropped ids. */
  async refresh(): Promise<string[]> {
    const dropped: string[] = [];
    for (const b of [...this.#byOrg.values()]) {
      const org = await this.#ledger.identity(b.orgId);
      if (org?.publicKey == null || !org.roles.includes('gateway')) {
        this.#byOrg.delete(b.orgId);
        this.#byPeer.delete(b.peerId);
        dropped.push(b.orgId);
      }
    }
    return dropped;
  }

  /** True when `peerId` is bound to a gateway. */
  allows(peerId: string): boolean {
    return this.#byPeer.has(peerId);
  }

  /** The organisation bound to a peer id. */
  orgOf(peerId: string): string | undefined {
    return this.#byPeer.get(peerId)?.orgId;
  }

  /** The binding of an organisation. */
  bindingOf(orgId: string): PeerBinding | undefined {
    return this.#byOrg.get(orgId);
  }

  /** Every accepted binding. */
  bindings(): PeerBinding[] {
    return [...this.#byOrg.values()];
  }
}
