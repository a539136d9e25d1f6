/**
 * The state a daemon keeps for one client connection: the `session` mode instances and tracked
 * resources that live as long as the connection, and the calls running on it (the request window
 * and the idle mark that eviction goes by).
 */
import type { Serializer } from "../serializers/types.js";
import { debugLog } from "../debug.js";
import type { Connection } from "../transport/connection.js";
import type { SlotHolder } from "./admission.js";
import type { Closable, ContextClient } from "./context.js";
import type { DisconnectedClient } from "./options.js";
import type { RegisteredObject } from "./registry.js";
import { reportHookError } from "./report.js";
import type { WorkCounter } from "./work.js";

const log = debugLog("pyrots:daemon");

/** Hands out increasing stamps (see `ConnectionTable.nextStamp`). */
export interface StampSource {
  nextStamp(): number;
}

/**
 * Per-connection state; also the owner of the connection's remote iterators and call contexts.
 * What most connections never use (session instances, tracked resources, the context's caller
 * object) is made on first use: a daemon may hold thousands of idle connections.
 */
export class ClientSession implements ContextClient, SlotHolder {
  /** Calls running. */
  inFlight = 0;
  /** When the connection last became idle (no call running). */
  idleStamp: number;
  /** The serializers the connection accepts (set by the connection once its protocol is known). */
  accepted: ReadonlyMap<number, Serializer> | undefined;
  private instanceMap: Map<RegisteredObject, object> | undefined;
  private resourceSet: Set<Closable> | undefined;
  private callerObject: { readonly address: string } | undefined;
  private finishedCallback: (() => void) | undefined;

  /**
   * @param window most calls running at once (`MAX_INFLIGHT`); at it, reading pauses. 0 = no limit.
   */
  constructor(
    private readonly connection: Connection,
    private readonly window: number,
    private readonly work: WorkCounter,
    private readonly stamps: StampSource,
  ) {
    this.idleStamp = stamps.nextStamp();
  }

  /** {@link finished} as a function, made once, at the first async call that needs it. */
  get finishedFn(): () => void {
    return (this.finishedCallback ??= () => this.finished());
  }

  /** Instances of `session` mode objects that belong to this connection. */
  get instances(): Map<RegisteredObject, object> {
    return (this.instanceMap ??= new Map());
  }

  /** How many `session` mode instances this connection has (without making the map). */
  get sessionCount(): number {
    return this.instanceMap?.size ?? 0;
  }

  /** Resources tracked with `currentContext().trackResource`, closed with the connection. */
  get resources(): Set<Closable> {
    return (this.resourceSet ??= new Set());
  }

  /** What `currentContext().client` gives: one frozen object per connection (usable as a WeakMap key). */
  get caller(): { readonly address: string } {
    return (this.callerObject ??= Object.freeze({ address: this.address }));
  }

  /** The peer's address. */
  get address(): string {
    return this.connection.remoteAddress;
  }

  /** True when a call now would exceed the request window. */
  get full(): boolean {
    return this.window > 0 && this.inFlight >= this.window;
  }

  /** A call starts. */
  started(): void {
    // At the window, stop reading: the peer waits (TCP backpressure) instead of being refused.
    // Requests already read in the same chunk still get an error reply.
    if (++this.inFlight === this.window) this.connection.pauseReading();
    this.work.started();
  }

  /** A call ended (answered, failed, or a oneway call done). */
  finished(): void {
    if (this.inFlight-- === this.window) this.connection.resumeReading();
    if (this.inFlight === 0) this.idleStamp = this.stamps.nextStamp();
    this.work.finished();
  }

  /** Marks the connection as freshly active (a completed handshake). */
  touched(): void {
    this.idleStamp = this.stamps.nextStamp();
  }

  /** The daemon needs the slot for a newcomer: hang up (nothing more is read or run). */
  evict(): void {
    if (log.enabled) log(`${this.address}: idle longest, closed to make room for a new connection`);
    this.connection.close();
  }

  /**
   * The connection is gone: tells `onClientDisconnect` (when given: the client had completed its
   * handshake), then drops its instances and closes what it tracked.
   */
  end(onClientDisconnect?: (client: DisconnectedClient) => void): void {
    const resources = this.resourceSet;
    if (onClientDisconnect) {
      try {
        onClientDisconnect({ address: this.address, trackedResources: resources === undefined ? [] : [...resources] });
      } catch (error) {
        // As Pyro4 ("Error in clientDisconnect"): reported, and the daemon goes on.
        reportHookError("onClientDisconnect", error);
      }
    }
    this.instanceMap?.clear();
    if (resources === undefined) return;
    for (const resource of resources) {
      try {
        const closing = resource.close();
        if (closing instanceof Promise) closing.catch(() => undefined);
      } catch {
        // one failing resource must not keep the others open
      }
    }
    resources.clear();
  }
}
