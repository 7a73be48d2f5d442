/**
 * The carrier trunks as the B2BUA uses them (spec §10, issue 5 "Carrier trunks"): outbound gateways
 * tried in priority order with failover, and the source addresses trusted to send calls in. Built
 * from the operator's configuration (services/trunks.ts) at start and on every `trunk.*` event.
 */
import { compileTrustList, outboundOrder, type TrunkConfig, type TrustList } from '../../domain/trunks.ts';
import type { Endpoint } from '../message/types.ts';

export type Trunk = TrunkConfig;

/** Source addresses whose verdict a TrunkSet remembers (a set is replaced whenever trunks change). */
const MAX_REMEMBERED = 4096;

export class TrunkSet {
  /** Enabled trunks in the order outbound calls try them. */
  readonly outbound: Trunk[];
  private readonly trust: TrustList<Trunk>;
  /**
   * Verdicts by source address: a carrier sends every call from a few addresses, and matching against
   * the trust list (a net.BlockList per trunk) costs microseconds per request. Bounded; cleared when full.
   */
  private readonly verdicts = new Map<string, Trunk | null>();

  constructor(trunks: Trunk[]) {
    this.outbound = outboundOrder(trunks);
    this.trust = compileTrustList(trunks);
  }

  /** The trunk whose inbound addresses include this source, or null (then the request must authenticate). */
  trusted(address: string): Trunk | null {
    let v = this.verdicts.get(address);
    if (v === undefined) {
      v = this.trust.match(address);
      if (this.verdicts.size >= MAX_REMEMBERED) this.verdicts.clear();
      this.verdicts.set(address, v);
    }
    return v;
  }

  static endpoint(t: Trunk): Endpoint {
    return { transport: t.transport, address: t.host, port: t.port };
  }
}

/**
 * Failover (issue 5 "priority with failover on 5xx/timeout"): a 5xx, a timeout (408, local or
 * remote) or a transport failure (a local 503) moves the call to the next trunk; any other answer is
 * the carrier's verdict on the call (busy, not found, declined) and is final.
 */
export const shouldFailover = (status: number): boolean => status >= 500 || status === 408;
