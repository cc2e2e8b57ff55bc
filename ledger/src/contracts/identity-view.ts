/**
 * Identities as one state sees them (the committed state before a block, for the block's signature and
 * permission checks), with a cache: a block with thousands of transactions of a few senders reads each
 * sender once.
 */
import type { StateReader } from '../state/interface.ts';
import { decodeOrg, decodeValidators, type OrgRecord, orgKey, type Role, validatorsKey } from './tables.ts';

export type { OrgRecord } from './tables.ts';

/** Cached identity lookups over one state. */
export class IdentityView {
  private readonly orgs = new Map<string, Promise<OrgRecord | undefined>>();
  private validatorList: Promise<string[]> | undefined;

  constructor(private readonly state: StateReader) {}

  /** The record of an organisation (removed ones included), if it was ever registered. */
  org(id: string): Promise<OrgRecord | undefined> {
    let hit = this.orgs.get(id);
    if (hit === undefined) {
      hit = this.state.get(orgKey(id)).then((b) => (b === undefined ? undefined : decodeOrg(id, b)));
      this.orgs.set(id, hit);
    }
    return hit;
  }

  /** The record of an active organisation (registered, with a key), or undefined. */
  async active(id: string): Promise<OrgRecord | undefined> {
    const org = await this.org(id);
    return org?.publicKey ? org : undefined;
  }

  /** Whether `id` is active and holds `role`. */
  async hasRole(id: string, role: Role): Promise<boolean> {
    return (await this.active(id))?.roles.includes(role) ?? false;
  }

  /** The validator organisations, ascending. */
  validators(): Promise<string[]> {
    this.validatorList ??= this.state
      .get(validatorsKey)
      .then((b) => (b === undefined ? [] : decodeValidators(b)));
    return this.validatorList;
  }

  /** Approvals a governance change needs: n − ⌊(n − 1) / 3⌋ of n validators (2f + 1 when n = 3f + 1). */
  async quorum(): Promise<number> {
    const n = (await this.validators()).length;
    return n - Math.floor((n - 1) / 3);
  }
}
