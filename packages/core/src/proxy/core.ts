/**
 * The engine behind a proxy: resolves its URI, keeps its connection(s), numbers and sends calls,
 * retries and reconnects. The `Proxy` object users hold is a thin typed face over this.
 */
import { ConnectionClosedError, PyroError, TimeoutError } from "../errors.js";
import { Flags } from "../protocol/constants.js";
import { ProxyRef } from "../serializers/values.js";
import type { DecodeContext } from "../serializers/types.js";
import type { URI } from "../uri.js";
import { CallSender } from "./call-sending.js";
import type { Channel } from "./channel.js";
import type { BatchCall, ProxyEngine } from "./engine.js";
import type { RemoteMetadata } from "./metadata.js";
import { ChannelOpener, resolveUri } from "./opener.js";
import { markNotSent } from "./outcome.js";
import type { CallOptions } from "./options.js";
import type { PendingCall } from "./pending.js";
import type { ProxySettings } from "./settings.js";
import type { StreamChannel } from "./stream.js";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:proxy");

/** Times a call may be handed back unsent by closing connections before it fails. */
const MAX_REQUEUES = 3;

/** Connection and call machinery of one proxy. */
export class ProxyCore implements StreamChannel, ProxyEngine {
  /** The URI the proxy was made with (may be `PYRONAME:`). */
  readonly originalUri: URI;
  /** The URI currently connected to or last resolved. */
  uri: URI;
  /** Metadata known for the remote object (from the handshake). */
  metadata: RemoteMetadata | undefined;
  /** The Pyro4 proxy state this proxy was made from, if it arrived in a payload. */
  sourceRef: ProxyRef | undefined;
  /** How replies are decoded: the settings' limits, and proxies in them made with these settings. */
  private readonly decodeContext: DecodeContext;
  /** Opens the connections; knows the protocol and serializer the daemon accepted. */
  private readonly opener: ChannelOpener;
  /** Frames and submits the calls. */
  private readonly sender: CallSender;
  private channels: Channel[] = [];
  private opening: Promise<Channel> | undefined;
  private bound = false;
  /** Connections being opened to grow a pool. */
  private openings = 0;
  private readonly dropChannel = (channel: Channel): void => {
    if (log.enabled) log(`connection to ${this.uri} closed`);
    this.channels = this.channels.filter((c) => c !== channel);
  };
  /** Calls a closing connection never sent go out again on another one (they never reached the daemon). */
  private readonly resend = (calls: PendingCall[]): void => {
    for (const call of calls) {
      if (call.done) continue;
      if (++call.requeued > MAX_REQUEUES) {
        call.fail(markNotSent(new ConnectionClosedError(`call ${call.method} to ${this.uri} could not be sent: its connections kept closing`)));
        continue;
      }
      this.acquireChannel().then(
        (channel) => {
          channel.claims--;
          if (!call.done) channel.submit(call);
        },
        (error: Error) => call.fail(markNotSent(error)),
      );
    }
  };

  /**
   * @param settings shared with every proxy that arrives in this proxy's replies.
   * @param reviveProxy what a proxy reference in a reply becomes (a live, inert proxy).
   */
  constructor(
    uri: URI,
    readonly settings: ProxySettings,
    metadata: RemoteMetadata | undefined,
    reviveProxy: (ref: ProxyRef) => unknown,
  ) {
    this.originalUri = uri;
    this.uri = uri;
    this.metadata = metadata;
    this.decodeContext = { limits: settings.decodeLimits, reviveProxy, classes: settings.classes };
    this.opener = new ChannelOpener(settings, this.decodeContext);
    this.sender = new CallSender(this);
  }

  /** Calls a remote method. */
  call(method: string, args: unknown[], kwargs: Record<string, unknown> | null, options: CallOptions | undefined): Promise<unknown> {
    const channel = this.readyChannel();
    if (channel === undefined || this.settings.config.maxRetries > 0) return this.callSlow(method, args, kwargs, options);
    try {
      return this.sender.send(channel, this.opener.serializer, this.uri.object, method, args, kwargs, this.flagsFor(method), options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Calls a method on another object of the same daemon, without metadata checks (the built-in
   * `Pyro.Daemon` object, batches).
   */
  async callObject(
    objectId: string,
    method: string,
    args: unknown[],
    oneway: boolean,
    extraFlags = 0,
    kwargs: Record<string, unknown> | null = {},
    options?: CallOptions,
  ): Promise<unknown> {
    const channel = await this.connectForCall();
    return this.sender.send(channel, this.opener.serializer, objectId, method, args, kwargs, extraFlags | (oneway ? Flags.ONEWAY : 0), options);
  }

  /** Sends batched calls as one message (Pyro4's FLAGS_BATCH); resolves with the raw batch reply. */
  async sendBatch(calls: BatchCall[], oneway: boolean): Promise<unknown> {
    await this.connectForCall();
    const methods = this.metadata?.methods;
    if (methods !== undefined) {
      // By index, not destructured: a batch has many calls.
      for (let i = 0; i < calls.length; i++) {
        const method = calls[i]![0];
        if (!methods.has(method)) throw new PyroError(`remote object '${this.uri}' has no exposed method '${method}'`);
      }
    }
    return this.callObject(this.uri.object, "<batch>", calls, oneway, Flags.BATCH, null);
  }

  /** The reference this proxy is sent as: as it arrived (keeping Pyro4 state such as its HMAC key), or made from its URI and metadata. */
  ref(): ProxyRef {
    if (this.sourceRef && this.sourceRef.uri.equals(this.uri)) return this.sourceRef;
    const meta = this.metadata;
    return new ProxyRef({ uri: this.uri, oneway: meta ? [...meta.oneway] : [], methods: meta ? [...meta.methods] : [], attrs: meta ? [...meta.attrs] : [] });
  }

  /** Same as {@link release}: a single proxy runs nothing in the background. */
  async close(): Promise<void> {
    this.release();
  }

  /** Reads an exposed remote property. */
  async getAttr(name: string, options?: CallOptions): Promise<unknown> {
    await this.connectForCall();
    if (this.metadata && !this.metadata.attrs.has(name)) throw this.unknownMember(name, "attribute");
    return this.call("__getattr__", [name], null, options);
  }

  /** Sets an exposed remote property. */
  async setAttr(name: string, value: unknown, options?: CallOptions): Promise<void> {
    await this.connectForCall();
    if (this.metadata && !this.metadata.attrs.has(name)) throw this.unknownMember(name, "attribute");
    await this.call("__setattr__", [name, value], null, options);
  }

  /** Connects now (resolving a name once and for all) and returns the metadata. */
  async bind(): Promise<void> {
    await this.connectedChannel();
    this.bound = true;
  }

  /** Closes the connections; the next call opens a new one. */
  release(): void {
    const channels = this.channels;
    this.channels = [];
    for (const channel of channels) channel.close();
  }

  /** True while at least one connection is open. */
  get connected(): boolean {
    return this.channels.some((c) => !c.closed);
  }

  /** The channel a call can go on right now, without waiting, if there is one. */
  private readyChannel(): Channel | undefined {
    const channels = this.channels;
    if (channels.length === 0) return undefined;
    const first = channels[0];
    if (first.multiplex || this.settings.poolSize === 1) return first.closed ? undefined : first;
    let best: Channel | undefined;
    for (const channel of channels) {
      if (channel.closed) continue;
      if (channel.load === 0) return channel;
      if (best === undefined || channel.load < best.load) best = channel;
    }
    // All busy: a new connection helps if the pool may grow.
    return channels.length < this.settings.poolSize ? undefined : best;
  }

  private async callSlow(method: string, args: unknown[], kwargs: Record<string, unknown> | null, options: CallOptions | undefined): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        const channel = await this.acquireChannel().catch(rejectNotSent);
        let reply: Promise<unknown>;
        try {
          reply = this.sender.send(channel, this.opener.serializer, this.uri.object, method, args, kwargs, this.flagsFor(method), options);
        } finally {
          channel.claims--;
        }
        return await reply;
      } catch (error) {
        const retriable = error instanceof ConnectionClosedError || error instanceof TimeoutError;
        if (!retriable || attempt >= this.settings.config.maxRetries) throw error;
      }
    }
  }

  /**
   * A channel for the next call, claimed (see `Channel.claims`): an idle one, else a new one while
   * the pool may grow (only for daemons that take one request at a time), else the least busy.
   */
  private async acquireChannel(): Promise<Channel> {
    for (;;) {
      let channel = this.readyChannel();
      if (channel === undefined) {
        const first = this.channels[0];
        const poolSize = this.settings.poolSize;
        const mayGrow = first !== undefined && !first.multiplex && this.channels.length + this.openings < poolSize;
        if (mayGrow) {
          this.openings++;
          try {
            channel = await this.openChannel();
          } finally {
            this.openings--;
          }
        } else if (first !== undefined && this.channels.length + this.openings >= poolSize) {
          channel = this.leastLoaded();
        }
      }
      if (channel === undefined) {
        // Nothing open yet: every caller waits for the same first connection, then chooses again.
        await this.connectedChannel();
        continue;
      }
      channel.claims++;
      return channel;
    }
  }

  private leastLoaded(): Channel | undefined {
    let best: Channel | undefined;
    for (const channel of this.channels) if (!channel.closed && (best === undefined || channel.load < best.load)) best = channel;
    return best;
  }

  /** Header flags for a call of `method`; throws locally for names the remote object lacks. */
  private flagsFor(method: string): number {
    const metadata = this.metadata;
    if (metadata === undefined || method === "__getattr__" || method === "__setattr__") return 0;
    if (!metadata.methods.has(method)) throw this.unknownMember(method, "method");
    return metadata.oneway.has(method) ? Flags.ONEWAY : 0;
  }

  /** {@link connectedChannel} for a call about to be sent: a failure means the call never left. */
  private connectForCall(): Promise<Channel> {
    return this.connectedChannel().catch(rejectNotSent);
  }

  /** An open channel, connecting (and resolving the name) if needed. */
  async connectedChannel(): Promise<Channel> {
    const ready = this.readyChannel();
    if (ready) return ready;
    this.opening ??= this.openChannel().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openChannel(): Promise<Channel> {
    if (!this.bound) this.uri = await resolveUri(this.originalUri, this.settings);
    const channel = await this.opener.open(this.uri, this.originalUri);
    // Calls are framed in the protocol the daemon answered in.
    this.sender.wire = channel.protocol.wire;
    if (channel.metadata) {
      const { methods, attrs } = channel.metadata;
      if (methods.size === 0 && attrs.size === 0) {
        channel.close();
        throw new PyroError(`remote object '${this.uri}' has no exposed attributes or methods. Did you forget setting @expose on them?`);
      }
      this.metadata = channel.metadata;
    }
    if (log.enabled) log(`connected to ${this.uri}${channel.multiplex ? " (pyrots daemon: calls multiplexed)" : " (one call at a time)"}`);
    channel.onClosed = this.dropChannel;
    channel.onUnsent = this.resend;
    this.channels.push(channel);
    return channel;
  }

  /** The name of the serializer calls go out with (after any fallback). */
  get serializerName(): string {
    return this.opener.serializer.name;
  }

  /** The protocol this proxy speaks: `"Pyro4"` or `"Pyro5"`, undefined until a first connection told (`PROTOCOL` auto). */
  get protocolName(): string | undefined {
    return this.opener.protocol?.name;
  }

  /** The settings for proxies that arrive in this proxy's replies: its own, with the serializer in use. */
  settingsForReplies(): ProxySettings {
    return this.opener.replySettings;
  }

  private unknownMember(name: string, kind: "method" | "attribute"): PyroError {
    // The common slip is using a member the wrong way round: say how to use it instead.
    if (kind === "method" && this.metadata?.attrs.has(name)) {
      return new PyroError(`'${name}' of remote object '${this.uri}' is a property, not a method: read it with \`await proxy.${name}\` (no parentheses)`);
    }
    if (kind === "attribute" && this.metadata?.methods.has(name)) {
      return new PyroError(`'${name}' of remote object '${this.uri}' is a method, not a property: call it with \`await proxy.${name}(...)\``);
    }
    const known = this.metadata ? [...this.metadata.methods, ...this.metadata.attrs].sort().join(", ") : "";
    return new PyroError(`remote object '${this.uri}' has no exposed ${kind} '${name}'${known ? ` (it has: ${known})` : ""}`);
  }
}

function rejectNotSent(error: unknown): Promise<never> {
  return Promise.reject(markNotSent(error));
}
