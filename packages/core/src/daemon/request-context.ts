/**
 * How one client connection's requests are decoded: the daemon's limits and class converters,
 * and proxy references made into callback proxies for this peer.
 */
import type { ProxyRef } from "../serializers/values.js";
import type { DecodeContext, DecodeLimits, DictToClass, Serializer } from "../serializers/types.js";
import type { PeerInfo, ProxyReviver } from "./settings.js";

/** The peer's details, read when its first proxy reference arrives. */
export interface PeerSource {
  /** `host:port` of the peer. */
  readonly address: string;
  /** The peer's IP address; undefined over a Unix socket. */
  readonly host: string | undefined;
}

/**
 * A connection's decode context. One plain object per connection, its peer details gathered at
 * the first proxy reference: most connections never send one, and a daemon may hold thousands.
 */
export class RequestDecodeContext implements DecodeContext {
  private peer: PeerInfo | undefined;

  constructor(
    readonly limits: DecodeLimits,
    readonly classes: ReadonlyMap<string, DictToClass> | undefined,
    private readonly revive: ProxyReviver,
    private readonly source: PeerSource,
    private readonly serializer: Serializer,
  ) {}

  /** A callback proxy for `ref`, made by the daemon's reviver with this peer's details. */
  reviveProxy(ref: ProxyRef): unknown {
    this.peer ??= { address: this.source.address, host: this.source.host, serializer: this.serializer };
    return this.revive(ref, this.peer);
  }
}
