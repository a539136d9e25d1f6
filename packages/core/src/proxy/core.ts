/**
 * The engine behind a proxy: resolves its URI, keeps its connection(s), numbers and sends calls,
 * retries and reconnects. The `Proxy` object users hold is a thin typed face over this.
 */
import { CommunicationError, ConnectionClosedError, PyroError, SecurityError, TimeoutError, pyroErrorClasses } from "../errors.js";
import { Annotation, Flags, MessageType } from "../protocol/constants.js";
import type { Annotations } from "../protocol/message.js";
import { ProxyRef } from "../serializers/values.js";
import type { DecodeContext, Serializer } from "../serializers/types.js";
import { type Frame, type FrameFields, callFrame, checkFrameSize } from "../transport/outgoing.js";
import { type CallWatch, startCalling, watchFailed, watchSucceeded } from "../instruments.js";
import type { ListenAddress } from "../transport/socket.js";
import { NamingError } from "../errors.js";
import { URI } from "../uri.js";
import { Channel, ProtocolMismatchError, type RemoteMetadata, SerializerRefusedError } from "./channel.js";
import type { BatchCall, ProxyEngine } from "./engine.js";
import { markNotSent } from "./outcome.js";
import { PYRO4, PYRO5, type PyroProtocol } from "../serializers/protocols.js";
import type { CallOptions } from "./options.js";
import { ONEWAY_SENT, PendingCall } from "./pending.js";
import type { ProxySettings } from "./settings.js";
import type { StreamChannel } from "./stream.js";
import { performance } from "node:perf_hooks";
import { debugLog } from "../debug.js";

const log = debugLog("pyrots:proxy");

/** Serializers tried, in this order, when a daemon refuses the one a proxy did not choose. */
const FALLBACK_ORDER = ["serpent", "json", "msgpack"] as const;

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
  /** The serializer calls go out with: the settings' one, unless a daemon refused it and another was accepted. */
  private serializer: Serializer;
  /**
   * The protocol spoken: the settings' one, or once a first connection told (with `PROTOCOL`
   * auto), the one the daemon answered in. Undefined until then.
   */
  private protocol: PyroProtocol | undefined;
  /** The settings proxies arriving in replies get: these, with the serializer in use. */
  private replySettings: ProxySettings;
  /** Reused for every INVOKE frame (framing is synchronous), saving an object per call. */
  private readonly invokeFields: FrameFields;
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
    this.protocol = settings.protocol;
    this.serializer = (settings.protocol ?? PYRO4).twin(settings.serializer);
    this.replySettings = settings;
    // With a key, frames are signed by their channel as they leave (after their sequence number).
    this.invokeFields = {
      type: MessageType.INVOKE,
      flags: 0,
      seq: 0,
      annotations: undefined,
      compress: settings.compress,
      signing: settings.signing,
      signLater: settings.signing !== undefined,
      wire: settings.protocol?.wire,
    };
  }

  /** Calls a remote method. */
  call(method: string, args: unknown[], kwargs: Record<string, unknown> | null, options: CallOptions | undefined): Promise<unknown> {
    const channel = this.readyChannel();
    if (channel === undefined || this.settings.config.maxRetries > 0) return this.callSlow(method, args, kwargs, options);
    try {
      return this.send(channel, this.uri.object, method, args, kwargs, this.flagsFor(method), options);
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
    return this.send(channel, objectId, method, args, kwargs, extraFlags | (oneway ? Flags.ONEWAY : 0), options);
  }

  /** Sends batched calls as one message (Pyro4's FLAGS_BATCH); resolves with the raw batch reply. */
  async sendBatch(calls: BatchCall[], oneway: boolean): Promise<unknown> {
    await this.connectForCall();
    for (const [method] of calls) {
      if (this.metadata && !this.metadata.methods.has(method)) throw new PyroError(`remote object '${this.uri}' has no exposed method '${method}'`);
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
          reply = this.send(channel, this.uri.object, method, args, kwargs, this.flagsFor(method), options);
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

  /** Encodes and submits a call. Throws (synchronously) when the call cannot be encoded. */
  private send(
    channel: Channel,
    objectId: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown> | null,
    flags: number,
    options: CallOptions | undefined,
  ): Promise<unknown> {
    let annotations = options?.annotations === undefined && options?.correlationId === undefined ? undefined : requestAnnotations(options);
    const instrument = this.settings.instrument;
    let watch: CallWatch | undefined;
    if (instrument !== undefined && instrument.calling !== undefined) {
      watch = startCalling(instrument, { uri: this.uri, objectId, method, oneway: (flags & Flags.ONEWAY) !== 0 });
      if (watch?.annotations !== undefined) annotations = withAnnotations(annotations, watch.annotations);
    }
    const fields = this.invokeFields;
    fields.flags = flags;
    fields.annotations = annotations;
    // The connection stamps the sequence number when the frame leaves (see Channel.transmit).
    let frame: Frame;
    try {
      frame = callFrame(fields, this.serializer, objectId, method, args, kwargs);
      checkFrameSize(frame, this.settings.maxMessageSize, `the call ${method}`, fields.wire);
    } catch (error) {
      if (watch !== undefined) watchFailed(watch, error);
      throw error;
    }
    const oneway = (flags & Flags.ONEWAY) !== 0;
    // A plain oneway call needs no call object: queued on an open connection, it is done.
    if (oneway && watch === undefined && options?.signal === undefined && !log.enabled && channel.sendOneway(frame)) return ONEWAY_SENT;
    const call = new PendingCall(frame, oneway, method);
    call.streams = this;
    call.streamBatch = channel.streamBatch;
    if (options?.onAnnotations) call.onAnnotations = options.onAnnotations;
    const promise = call.promise();
    if (watch !== undefined) followCall(promise, watch);
    const timeout = options?.timeout ?? this.settings.timeout;
    if (timeout > 0 && !call.oneway) {
      call.timer = setTimeout(() => {
        // Fail first: abandoning may close the connection, and the call must not see that as its cause.
        call.fail(new TimeoutError(`call ${method} to ${this.uri} timed out after ${timeout} s`));
        channel.abandon(call);
      }, timeout * 1000);
    }
    const signal = options?.signal;
    if (signal) {
      if (signal.aborted) {
        call.fail(abortError(signal, method));
        return promise;
      }
      const onAbort = () => {
        call.fail(abortError(signal, method));
        channel.abandon(call);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      call.cleanup = () => signal.removeEventListener("abort", onAbort);
    }
    channel.submit(call);
    if (log.enabled) this.trace(promise, objectId, method, flags);
    return promise;
  }

  /** DEBUG=pyrots:proxy: each call as it leaves, and its outcome with the time it took. */
  private trace(promise: Promise<unknown>, objectId: string, method: string, flags: number): void {
    const started = performance.now();
    const what = `${objectId}.${method}${flags & Flags.ONEWAY ? " (oneway)" : ""}${flags & Flags.BATCH ? " (batch)" : ""}`;
    log(`call ${what} -> ${this.uri}`);
    const took = () => `${(performance.now() - started).toFixed(1)} ms`;
    promise.then(
      () => log(`call ${what} ok in ${took()}`),
      (error: unknown) => log(`call ${what} failed in ${took()}: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`),
    );
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
    if (!this.bound) this.uri = await this.resolve();
    const named = addressOf(this.uri);
    const rule = this.settings.connectRule;
    const address = rule ? await rule(named, this.uri) : named;
    if (log.enabled) log(`connecting to ${this.uri}${this.uri === this.originalUri ? "" : ` (resolved from ${this.originalUri})`}`);
    // TLS still checks the certificate against the name in the URI when the rule resolved it.
    const servername = address !== named && "host" in named && "host" in address && named.host !== address.host ? named.host : undefined;
    const channel = await this.openWithProtocol(address, servername).catch((error: unknown) => {
      throw this.explainConnectFailure(error);
    });
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

  /**
   * Opens a channel in the protocol the proxy speaks. Until a connection told which one the
   * daemon speaks (`PROTOCOL` auto), tries Pyro4's, then Pyro5's when the daemon answered in it
   * (a Pyro5 daemon refuses protocol 48 in 502), and keeps the one that worked.
   */
  private async openWithProtocol(address: ListenAddress, servername: string | undefined): Promise<Channel> {
    if (this.protocol !== undefined) return this.openWithSerializerFallback(address, servername, this.protocol);
    let channel: Channel;
    try {
      channel = await this.openWithSerializerFallback(address, servername, PYRO4);
    } catch (error) {
      if (!(error instanceof ProtocolMismatchError) || error.answeredIn !== PYRO5.wire) throw error;
      if (log.enabled) log(`${this.uri} speaks Pyro5: reconnecting with protocol 502`);
      channel = await this.openWithSerializerFallback(address, servername, PYRO5);
    }
    this.adoptProtocol(channel.protocol);
    return channel;
  }

  /** Speaks `protocol` from now on: calls are framed in its wire format, with its serializers. */
  private adoptProtocol(protocol: PyroProtocol): void {
    this.protocol = protocol;
    this.serializer = protocol.twin(this.serializer);
    this.invokeFields.wire = protocol.wire;
    if (this.replySettings.serializer !== this.serializer) this.replySettings = Object.freeze({ ...this.replySettings, serializer: this.serializer });
  }

  /**
   * Opens a channel with the current serializer; when the daemon refuses it and the user chose
   * none, tries the other serializers pyrots speaks (serpent first: every Python Pyro daemon
   * accepts it by default) and keeps the first accepted one for later connections.
   */
  private async openWithSerializerFallback(address: ListenAddress, servername: string | undefined, protocol: PyroProtocol): Promise<Channel> {
    const refused: string[] = [];
    const first = protocol.twin(this.serializer);
    const candidates = [first, ...FALLBACK_ORDER.map((name) => protocol.serializerByName(name)).filter((s) => s !== first)];
    for (const serializer of candidates) {
      try {
        const channel = await Channel.open({
          address,
          servername,
          what: this.uri.toString(),
          objectId: this.uri.object,
          settings: this.settings,
          serializer,
          protocol,
          decodeContext: this.decodeContext,
        });
        if (serializer !== first) this.adoptSerializer(serializer, refused);
        return channel;
      } catch (error) {
        if (!(error instanceof SerializerRefusedError) || this.settings.serializerChosen) throw error;
        refused.push(serializer.name);
      }
    }
    throw new CommunicationError(`${this.uri} accepts none of the serializers pyrots speaks (tried ${refused.join(", ")})`);
  }

  private adoptSerializer(serializer: Serializer, refused: readonly string[]): void {
    if (log.enabled) log(`${this.uri} refused ${refused.join(", ")}: using ${serializer.name}`);
    this.serializer = serializer;
    this.replySettings = Object.freeze({ ...this.settings, serializer });
  }

  /** The name of the serializer calls go out with (after any fallback). */
  get serializerName(): string {
    return this.serializer.name;
  }

  /** The protocol this proxy speaks: `"Pyro4"` or `"Pyro5"`, undefined until a first connection told (`PROTOCOL` auto). */
  get protocolName(): string | undefined {
    return this.protocol?.name;
  }

  /** The settings for proxies that arrive in this proxy's replies: its own, with the serializer in use. */
  settingsForReplies(): ProxySettings {
    return this.replySettings;
  }

  /** A failed connect to an address that came from a name server says so: the daemon may well be running elsewhere. */
  private explainConnectFailure(error: unknown): unknown {
    if (!(error instanceof CommunicationError) || error instanceof SecurityError || this.uri === this.originalUri) return error;
    // The same Pyro class (a TimeoutError stays one), with the explanation added.
    const Same = (pyroErrorClasses.get(error.pyroName) ?? CommunicationError) as typeof CommunicationError;
    return new Same(
      `${error.message} — this address is what the name server gave for ${this.originalUri}: the registration may be stale ` +
        `(its daemon stopped or moved), or the daemon is not reachable from this machine (a daemon bound to 127.0.0.1 serves only its own)`,
      { cause: error },
    );
  }

  /** The `PYRO:` URI to connect to: the proxy's own, or what its `PYRONAME:`/`PYROMETA:` URI resolves to now. */
  private async resolve(): Promise<URI> {
    const uri = this.originalUri;
    if (uri.protocol === "PYRO") return uri;
    const resolveName = this.settings.resolveName;
    if (!resolveName)
      throw new NamingError(`cannot resolve ${uri}: this proxy has no name server client (make proxies with \`new Proxy(...)\` from "@pyrots/core")`);
    return resolveName(uri, this.settings);
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

/** The socket address a `PYRO:` URI points at. */
export function addressOf(uri: URI): ListenAddress {
  if (uri.sockname !== undefined) return { path: uri.sockname };
  if (uri.host === undefined || uri.port === undefined) throw new PyroError(`URI ${uri} has no location to connect to`);
  return { host: uri.host, port: uri.port };
}

/** Tells `watch` how the call ends. */
function followCall(promise: Promise<unknown>, watch: CallWatch): void {
  promise.then(
    () => watchSucceeded(watch),
    (error: unknown) => watchFailed(watch, error),
  );
}

/** `annotations` plus an instrument's, where the caller did not set the same id. */
function withAnnotations(annotations: Annotations | undefined, extra: ReadonlyMap<string, Uint8Array>): Annotations {
  const merged: Annotations = new Map(annotations);
  for (const [id, value] of extra) if (!merged.has(id)) merged.set(id, value);
  return merged;
}

/** The annotations a call's options ask for (custom ones and a correlation id). */
function requestAnnotations(options: CallOptions): Annotations {
  const annotations: Annotations = new Map();
  for (const [id, value] of Object.entries(options.annotations ?? {})) {
    if (id.length !== 4) throw new PyroError(`annotation ids must be 4 characters: ${JSON.stringify(id)}`);
    annotations.set(id, typeof value === "string" ? Buffer.from(value) : value);
  }
  const corr = options.correlationId;
  if (corr !== undefined) annotations.set(Annotation.CORR, typeof corr === "string" ? uuidBytes(corr) : corr);
  return annotations;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new PyroError(`correlationId must be a UUID or 16 bytes, got ${JSON.stringify(uuid)}`);
  return Buffer.from(hex, "hex");
}

function abortError(signal: AbortSignal, method: string): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  return new PyroError(`call ${method} was aborted${reason !== undefined ? `: ${String(reason)}` : ""}`);
}
