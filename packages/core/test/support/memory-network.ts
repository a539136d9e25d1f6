/**
 * An in-memory network for fast unit tests: daemons bind to it and proxies dial it like sockets,
 * and every connection is a pair of in-memory duplex streams. The daemon hears of each connection
 * through the same `Acceptor` calls a socket listener makes, and the proxy's channel gets a stream
 * as from `connect`, so everything above the transport runs as it does over TCP, without sockets.
 *
 * ```ts
 * await using net = new MemoryNetwork();
 * await using daemon = await Daemon.create({ [NETWORK]: net, unixSocket: "calc" });
 * await using calc = new Proxy<Calc>(daemon.register(Calc), { [NETWORK]: net });
 * ```
 *
 * Disposing the network (after the proxies and daemons) checks that every stream was closed and
 * every listener stopped, as capnweb's test harness checks that every stub was disposed.
 */
import { Duplex } from "node:stream";
import { type Acceptor, type Binder, type Dialer, type ListenAddress, type Network, CommunicationError } from "@pyrots/core/internal";
import type net from "node:net";

/** Host that both ends of every memory connection report (daemons' host checks treat it as loopback). */
const HOST = "127.0.0.1";

/** One end of an in-memory connection, with the parts of `net.Socket` that pyrots uses. */
class MemoryEnd extends Duplex {
  peer!: MemoryEnd;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    // As net.Socket: a peer's end of stream ends this side too.
    super({ allowHalfOpen: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch();
    // Delivered on a later turn, as bytes from a socket are: a reply never arrives within the send.
    setImmediate(() => {
      if (!this.peer.destroyed) {
        this.peer.touch();
        this.peer.push(chunk);
      }
    });
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    setImmediate(() => {
      if (!this.peer.destroyed) this.peer.push(null);
    });
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    // The other side sees the connection go, as after a TCP reset.
    setImmediate(() => this.peer.destroy());
    done(error);
  }

  /** As net.Socket: emits `timeout` after `ms` without traffic (0 = never). */
  setTimeout(ms: number): this {
    this.idleMs = ms;
    this.touch();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs > 0 && !this.destroyed) this.idleTimer = setTimeout(() => this.emit("timeout"), this.idleMs).unref();
  }
}

function key(address: ListenAddress): string {
  return "path" in address ? address.path : `${address.host}:${address.port}`;
}

/** Daemons and proxies given this network (option `[NETWORK]`) reach each other in memory only. */
export class MemoryNetwork implements Network, AsyncDisposable {
  private readonly listening = new Map<string, Acceptor>();
  private readonly ends = new Set<MemoryEnd>();
  private nextPort = 40_000;

  /** Connections made so far. */
  connections = 0;

  readonly bind: Binder = async (address, acceptor, tlsOptions) => {
    if (tlsOptions) throw new Error("the memory network has no TLS: test TLS over sockets");
    const bound: ListenAddress = "path" in address || address.port !== 0 ? address : { host: address.host, port: this.nextPort++ };
    const where = key(bound);
    if (this.listening.has(where)) throw new CommunicationError(`cannot listen on ${where}: address in use (memory network)`);
    this.listening.set(where, acceptor);
    const server = {
      close: (closed?: (error?: Error) => void) => {
        this.listening.delete(where);
        closed?.();
        return server;
      },
    };
    return { server: server as unknown as Pick<net.Server, "close">, address: bound };
  };

  readonly dial: Dialer = async (address, what, _timeoutSeconds, tlsOptions) => {
    if (tlsOptions) throw new Error("the memory network has no TLS: test TLS over sockets");
    const acceptor = this.listening.get(key(address));
    if (acceptor === undefined) throw new CommunicationError(`cannot connect to ${what}: nothing listens at ${key(address)} (memory network)`);
    const client = new MemoryEnd(HOST, "port" in address ? address.port : 0);
    const server = new MemoryEnd(HOST, this.nextPort++);
    client.peer = server;
    server.peer = client;
    for (const end of [client, server]) {
      this.ends.add(end);
      end.once("close", () => this.ends.delete(end));
    }
    this.connections++;
    // What a socket listener does for each accepted connection.
    const socket = server as unknown as net.Socket;
    acceptor.accepted(socket);
    if (!server.destroyed) acceptor.ready(socket, socket);
    return client;
  };

  /**
   * Throws unless every connection has closed and every daemon stopped listening (after a short
   * settling time: closing ends take a turn or two).
   */
  async checkAllDisposed(): Promise<void> {
    for (let turn = 0; turn < 50 && (this.ends.size > 0 || this.listening.size > 0); turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    const open: string[] = [];
    if (this.ends.size > 0) open.push(`${this.ends.size} connection end(s) still open`);
    if (this.listening.size > 0) open.push(`still listening at ${[...this.listening.keys()].join(", ")}`);
    if (open.length > 0) throw new Error(`memory network: ${open.join("; ")} (close proxies and shut daemons down first)`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.checkAllDisposed();
  }
}
