/**
 * Opening a proxy's connections: where to connect (the `PYRO:` URI, through a name server and the
 * connect rule), and in what the daemon understands. Until a daemon told, a proxy whose protocol
 * or serializer nobody chose tries the others (Pyro5's protocol after Pyro4's; serpent, json,
 * msgpack after a refused serializer) and keeps what worked for its later connections.
 */
import { CommunicationError, NamingError, PyroError, SecurityError, pyroErrorClasses } from "../errors.js";
import { PYRO4, PYRO5, type PyroProtocol } from "../serializers/protocols.js";
import type { DecodeContext, Serializer } from "../serializers/types.js";
import type { ListenAddress } from "../transport/socket.js";
import type { URI } from "../uri.js";
import { debugLog } from "../debug.js";
import { Channel } from "./channel.js";
import { ProtocolMismatchError, SerializerRefusedError } from "./handshake.js";
import type { ProxySettings } from "./settings.js";

const log = debugLog("pyrots:proxy");

/** Serializers tried, in this order, when a daemon refuses the one a proxy did not choose. */
const FALLBACK_ORDER = ["serpent", "json", "msgpack"] as const;

/** Opens one proxy's channels, and remembers the protocol and serializer its daemon accepted. */
export class ChannelOpener {
  /** The serializer calls go out with: the settings' one, unless a daemon refused it and another was accepted. */
  serializer: Serializer;
  /**
   * The protocol spoken: the settings' one, or once a first connection told (with `PROTOCOL`
   * auto), the one the daemon answered in. Undefined until then.
   */
  protocol: PyroProtocol | undefined;
  /** The settings proxies arriving in replies get: the proxy's, with the serializer in use. */
  replySettings: ProxySettings;

  constructor(
    private readonly settings: ProxySettings,
    private readonly decodeContext: DecodeContext,
  ) {
    this.protocol = settings.protocol;
    this.serializer = (settings.protocol ?? PYRO4).twin(settings.serializer);
    this.replySettings = settings;
  }

  /**
   * Opens a handshaken channel to the `PYRO:` URI `uri`, which `originalUri` (the proxy's own)
   * resolved to; a failure to reach an address a name server gave says so.
   */
  async open(uri: URI, originalUri: URI): Promise<Channel> {
    const named = addressOf(uri);
    const rule = this.settings.connectRule;
    const address = rule ? await rule(named, uri) : named;
    if (log.enabled) log(`connecting to ${uri}${uri === originalUri ? "" : ` (resolved from ${originalUri})`}`);
    // TLS still checks the certificate against the name in the URI when the rule resolved it.
    const servername = address !== named && "host" in named && "host" in address && named.host !== address.host ? named.host : undefined;
    return this.openWithProtocol(uri, address, servername).catch((error: unknown) => {
      throw explainConnectFailure(error, uri, originalUri);
    });
  }

  /**
   * Opens a channel in the protocol the proxy speaks. Until a connection told which one the
   * daemon speaks (`PROTOCOL` auto), tries Pyro4's, then Pyro5's when the daemon answered in it
   * (a Pyro5 daemon refuses protocol 48 in 502), and keeps the one that worked.
   */
  private async openWithProtocol(uri: URI, address: ListenAddress, servername: string | undefined): Promise<Channel> {
    if (this.protocol !== undefined) return this.openWithSerializerFallback(uri, address, servername, this.protocol);
    let channel: Channel;
    try {
      channel = await this.openWithSerializerFallback(uri, address, servername, PYRO4);
    } catch (error) {
      if (!(error instanceof ProtocolMismatchError) || error.answeredIn !== PYRO5.wire) throw error;
      if (log.enabled) log(`${uri} speaks Pyro5: reconnecting with protocol 502`);
      channel = await this.openWithSerializerFallback(uri, address, servername, PYRO5);
    }
    this.adoptProtocol(channel.protocol);
    return channel;
  }

  /** Speaks `protocol` from now on: calls are framed in its wire format, with its serializers. */
  private adoptProtocol(protocol: PyroProtocol): void {
    this.protocol = protocol;
    this.serializer = protocol.twin(this.serializer);
    if (this.replySettings.serializer !== this.serializer) this.replySettings = Object.freeze({ ...this.replySettings, serializer: this.serializer });
  }

  /**
   * Opens a channel with the current serializer; when the daemon refuses it and the user chose
   * none, tries the other serializers pyrots speaks (serpent first: every Python Pyro daemon
   * accepts it by default) and keeps the first accepted one for later connections.
   */
  private async openWithSerializerFallback(uri: URI, address: ListenAddress, servername: string | undefined, protocol: PyroProtocol): Promise<Channel> {
    const refused: string[] = [];
    const first = protocol.twin(this.serializer);
    const candidates = [first, ...FALLBACK_ORDER.map((name) => protocol.serializerByName(name)).filter((s) => s !== first)];
    for (const serializer of candidates) {
      try {
        const channel = await Channel.open({
          address,
          servername,
          what: uri.toString(),
          objectId: uri.object,
          settings: this.settings,
          serializer,
          protocol,
          decodeContext: this.decodeContext,
        });
        if (serializer !== first) this.adoptSerializer(uri, serializer, refused);
        return channel;
      } catch (error) {
        if (!(error instanceof SerializerRefusedError) || this.settings.serializerChosen) throw error;
        refused.push(serializer.name);
      }
    }
    throw new CommunicationError(`${uri} accepts none of the serializers pyrots speaks (tried ${refused.join(", ")})`);
  }

  private adoptSerializer(uri: URI, serializer: Serializer, refused: readonly string[]): void {
    if (log.enabled) log(`${uri} refused ${refused.join(", ")}: using ${serializer.name}`);
    this.serializer = serializer;
    this.replySettings = Object.freeze({ ...this.settings, serializer });
  }
}

/** The `PYRO:` URI to connect to: `uri` itself, or what its `PYRONAME:`/`PYROMETA:` form resolves to now. */
export async function resolveUri(uri: URI, settings: ProxySettings): Promise<URI> {
  if (uri.protocol === "PYRO") return uri;
  const resolveName = settings.resolveName;
  if (!resolveName)
    throw new NamingError(`cannot resolve ${uri}: this proxy has no name server client (make proxies with \`new Proxy(...)\` from "@pyrots/core")`);
  return resolveName(uri, settings);
}

/** The socket address a `PYRO:` URI points at. */
export function addressOf(uri: URI): ListenAddress {
  if (uri.sockname !== undefined) return { path: uri.sockname };
  if (uri.host === undefined || uri.port === undefined) throw new PyroError(`URI ${uri} has no location to connect to`);
  return { host: uri.host, port: uri.port };
}

/** A failed connect to an address that came from a name server says so: the daemon may well be running elsewhere. */
function explainConnectFailure(error: unknown, uri: URI, originalUri: URI): unknown {
  if (!(error instanceof CommunicationError) || error instanceof SecurityError || uri === originalUri) return error;
  // The same Pyro class (a TimeoutError stays one), with the explanation added.
  const Same = (pyroErrorClasses.get(error.pyroName) ?? CommunicationError) as typeof CommunicationError;
  return new Same(
    `${error.message} — this address is what the name server gave for ${originalUri}: the registration may be stale ` +
      `(its daemon stopped or moved), or the daemon is not reachable from this machine (a daemon bound to 127.0.0.1 serves only its own)`,
    { cause: error },
  );
}
