/**
 * Who holds a connection slot. Every accepted socket counts from its TCP accept (before any TLS
 * handshake) until it closes, against `MAX_CONNECTIONS` and `MAX_CONNECTIONS_PER_HOST`.
 *
 * At a limit, the newcomer is not simply refused, or a few silent connections could lock every
 * other client out: the connection that has been idle longest gives way, taken from the address
 * that holds the most connections (for the overall limit) or from the newcomer's own address (for
 * the per-address limit). Connections with calls running are never evicted; when every candidate
 * is busy, the newcomer is refused. An evicted client loses nothing but its connection: a proxy
 * reconnects on its next call (a `session` instance starts afresh, as after any reconnect).
 */
import type net from "node:net";

/** What the table needs from the client connection in a slot. */
export interface SlotHolder {
  /** Calls running (a busy connection is never evicted). */
  readonly inFlight: number;
  /** When the connection last became idle, as a {@link ConnectionTable.nextStamp} value. */
  readonly idleStamp: number;
  /** Closes the connection to make room for a newcomer. */
  evict(): void;
}

/** One accepted socket and the client connection it carries once that exists. */
export class Slot {
  /** The client connection, once made (for TLS: after the TLS handshake). */
  holder: SlotHolder | undefined;
  /** Set when the slot no longer counts (closed or evicted). */
  released = false;
  /** Why the client is refused at its handshake (no slot was free); undefined when admitted. */
  refusal: string | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The accepted TCP (or Unix) socket. */
    readonly socket: net.Socket,
    /** The address group it counts against (see {@link hostKey}). */
    readonly host: string,
    /** Stamp of its acceptance: how long it has been idle until a client connection exists. */
    readonly acceptedStamp: number,
  ) {}

  /** A socket that got no slot: it stays uncounted, and its client learns `reason` at its handshake. */
  static refused(socket: net.Socket, reason: string): Slot {
    const slot = new Slot(socket, "", 0);
    slot.refusal = reason;
    return slot;
  }

  /** Calls running on it. */
  get inFlight(): number {
    return this.holder?.inFlight ?? 0;
  }

  /** When it last became idle. */
  get idleStamp(): number {
    return this.holder?.idleStamp ?? this.acceptedStamp;
  }

  /**
   * Drops the socket unless {@link handshakeDone} is called within `seconds` (0 = never): the
   * clock runs from the TCP accept, TLS handshake included. Whoever owns the socket calls
   * {@link stopHandshakeClock} when it closes.
   */
  startHandshakeClock(seconds: number, onExpired: () => void): void {
    if (seconds <= 0) return;
    this.handshakeTimer = setTimeout(() => {
      onExpired();
      this.socket.destroy();
    }, seconds * 1000);
    this.handshakeTimer.unref();
  }

  /** The Pyro handshake is done: the handshake clock stops. */
  handshakeDone(): void {
    this.stopHandshakeClock();
  }

  /** Stops the handshake clock (the socket closed, or the handshake is done). */
  stopHandshakeClock(): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }
}

/** Limits of a {@link ConnectionTable}; 0 = none. */
export interface AdmissionLimits {
  readonly maxConnections: number;
  readonly maxPerHost: number;
}

/** The connections a daemon has admitted, grouped by client address. */
export class ConnectionTable {
  private readonly byHost = new Map<string, Set<Slot>>();
  private count = 0;
  private stamp = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  /** Connections holding a slot. */
  get size(): number {
    return this.count;
  }

  /** A number larger than every one handed out before: orders moments without reading a clock. */
  nextStamp(): number {
    return ++this.stamp;
  }

  /**
   * Takes a slot for a newly accepted socket, evicting an idle connection when a limit is
   * reached; returns the reason for refusing it when every candidate is busy.
   */
  admit(socket: net.Socket): Slot | string {
    const host = hostKey(socket.remoteAddress);
    const { maxConnections, maxPerHost } = this.limits;
    const group = this.byHost.get(host);
    if (maxPerHost > 0 && group !== undefined && group.size >= maxPerHost && !this.evictFrom(group)) {
      return `too many connections from your address: this daemon serves at most ${maxPerHost} per client address (MAX_CONNECTIONS_PER_HOST), and all of them have calls running`;
    }
    if (maxConnections > 0 && this.count >= maxConnections && !this.evictAnywhere()) {
      return `too many connections: this daemon serves at most ${maxConnections} (MAX_CONNECTIONS), and all of them have calls running`;
    }
    const slot = new Slot(socket, host, this.nextStamp());
    let members = this.byHost.get(host);
    if (members === undefined) this.byHost.set(host, (members = new Set()));
    members.add(slot);
    this.count++;
    return slot;
  }

  /** Frees a slot (its socket closed). Idempotent. */
  release(slot: Slot): void {
    if (slot.released) return;
    slot.released = true;
    const members = this.byHost.get(slot.host);
    if (members === undefined || !members.delete(slot)) return;
    this.count--;
    if (members.size === 0) this.byHost.delete(slot.host);
  }

  /** All slots, for shutdown. */
  *slots(): IterableIterator<Slot> {
    for (const members of this.byHost.values()) yield* members;
  }

  /** Evicts the longest-idle connection of the address holding the most connections that has one. */
  private evictAnywhere(): boolean {
    const groups = [...this.byHost.values()].sort((a, b) => b.size - a.size);
    for (const group of groups) if (this.evictFrom(group)) return true;
    return false;
  }

  /** Evicts the longest-idle connection of `group`; false when all of them are busy. */
  private evictFrom(group: Set<Slot>): boolean {
    let victim: Slot | undefined;
    for (const slot of group) {
      if (slot.inFlight === 0 && (victim === undefined || slot.idleStamp < victim.idleStamp)) victim = slot;
    }
    if (victim === undefined) return false;
    this.release(victim);
    if (victim.holder) victim.holder.evict();
    else victim.socket.destroy();
    return true;
  }
}

/**
 * The address a client counts against: its IP address, IPv4-mapped IPv6 addresses as IPv4, and
 * IPv6 addresses by their /64 prefix (one host usually has a whole /64 to pick addresses from);
 * `local` for Unix sockets.
 */
export function hostKey(address: string | undefined): string {
  if (address === undefined || address === "") return "local";
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && lower.includes(".")) return lower.slice(7);
  if (!lower.includes(":")) return lower;
  return expandIPv6(lower).slice(0, 4).join(":") + "::/64";
}

/** The eight 16-bit groups of an IPv6 address, as hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const zone = address.indexOf("%");
  const plain = zone >= 0 ? address.slice(0, zone) : address;
  const [head, tail] = plain.split("::", 2) as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => (g.includes(".") ? g : (parseInt(g, 16) || 0).toString(16))));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = Array<string>(Math.max(0, 8 - front.length - back.length)).fill("0");
  return [...front, ...zeros, ...back];
}
