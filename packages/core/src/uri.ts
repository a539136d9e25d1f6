/**
 * Pyro URIs, parsed and printed as Pyro4 4.82 does.
 *
 * | form                          | meaning                                             |
 * | ----------------------------- | --------------------------------------------------- |
 * | `PYRO:obj@host:port`          | object `obj` on a daemon at a TCP address           |
 * | `PYRO:obj@[::1]:port`         | the same with an IPv6 host                          |
 * | `PYRO:obj@./u:/path`          | a daemon on a Unix socket (`./u:\0name`: abstract)  |
 * | `PYRONAME:name[@host[:port]]` | look `name` up in a name server (port 9090 default) |
 * | `PYROMETA:a,b[@host[:port]]`  | any object registered with all of these tags        |
 *
 * The protocol prefix is case-insensitive and stored upper-case.
 */
import { PyroError } from "./errors.js";

/** Default TCP port of the name server, used when a PYRONAME/PYROMETA URI names a host only. */
export const DEFAULT_NS_PORT = 9090;

/** Default UDP port of the name server's broadcast responder (Pyro's `NS_BCPORT`). */
export const DEFAULT_NS_BCPORT = 9091;

/** The three URI protocols Pyro4 knows. */
export type UriProtocol = "PYRO" | "PYRONAME" | "PYROMETA";

/** The fields a {@link URI} is built from. */
export interface UriFields {
  protocol: UriProtocol;
  /** Object id or name; for PYROMETA the tags joined with commas (or give `metadata`). */
  object?: string;
  /** PYROMETA tags; the object text is derived from them when given. */
  metadata?: readonly string[];
  host?: string;
  port?: number;
  /** Unix socket path; a leading NUL selects Linux's abstract namespace. */
  sockname?: string;
}

const PROTOCOLS: ReadonlySet<string> = new Set(["PYRO", "PYRONAME", "PYROMETA"]);
const UNIX_PREFIX = "./u:";
const IPV6_HOST = /^[0-9A-Za-z:.%]+$/;

/** An immutable Pyro URI. */
export class URI {
  /** `PYRO`, `PYRONAME` or `PYROMETA`. */
  readonly protocol: UriProtocol;
  /** Object id (PYRO), name (PYRONAME) or the comma-joined tags (PYROMETA). */
  readonly object: string;
  /** The PYROMETA tags in their given order; empty for the other protocols. */
  readonly metadata: readonly string[];
  /** Host name or address, without IPv6 brackets. */
  readonly host?: string;
  /** TCP port. */
  readonly port?: number;
  /** Unix socket name. */
  readonly sockname?: string;

  /** Builds a URI from its fields; throws PyroError when they do not form a valid URI. */
  constructor(fields: UriFields) {
    const protocol = String(fields.protocol).toUpperCase();
    if (!PROTOCOLS.has(protocol)) throw new PyroError(`invalid URI protocol "${fields.protocol}" (expected PYRO, PYRONAME or PYROMETA)`);
    this.protocol = protocol as UriProtocol;
    if (this.protocol === "PYROMETA") {
      this.metadata = Object.freeze(checkTags(fields.metadata ?? splitTags(fields.object ?? "")));
      this.object = this.metadata.join(",");
    } else {
      if (!fields.object) throw new PyroError("invalid URI: empty object id");
      this.object = fields.object;
      this.metadata = EMPTY;
    }
    if (fields.sockname !== undefined) {
      if (fields.host !== undefined || fields.port !== undefined) throw new PyroError("invalid URI: both a Unix socket and a host/port given");
      if (!fields.sockname) throw new PyroError("invalid URI: empty Unix socket name");
      this.sockname = fields.sockname;
    } else if (fields.host !== undefined) {
      let host = fields.host;
      if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
      if (!host) throw new PyroError("invalid URI: empty host");
      this.host = host;
      if (fields.port === undefined) {
        if (this.protocol === "PYRO") throw new PyroError("invalid URI: missing port");
        this.port = DEFAULT_NS_PORT;
      } else {
        this.port = checkPort(fields.port);
      }
    } else if (fields.port !== undefined) {
      throw new PyroError("invalid URI: a port without a host");
    } else if (this.protocol === "PYRO") {
      throw new PyroError("invalid URI: missing location (a PYRO URI needs host:port or ./u:socket)");
    }
  }

  /**
   * Parses URI text. Throws PyroError naming the problem, e.g.
   * `invalid URI "PYRO:obj": missing location (expected PYRO:object@host:port)`.
   * `defaultNsPort` is the port PYRONAME/PYROMETA URIs get when they name a host only.
   */
  static parse(text: string, defaultNsPort: number = DEFAULT_NS_PORT): URI {
    if (typeof text !== "string") throw new PyroError(`invalid URI: expected a string, got ${typeof text}`);
    const trimmed = text.trim();
    const bad = (why: string): PyroError => new PyroError(`invalid URI ${JSON.stringify(text)}: ${why}`);
    const colon = trimmed.indexOf(":");
    if (colon < 0 || !/^[A-Za-z]+$/.test(trimmed.slice(0, colon))) throw bad("missing protocol (expected PYRO:, PYRONAME: or PYROMETA:)");
    const protocol = trimmed.slice(0, colon).toUpperCase();
    if (!PROTOCOLS.has(protocol)) throw bad(`unknown protocol "${trimmed.slice(0, colon)}" (expected PYRO, PYRONAME or PYROMETA)`);
    const rest = trimmed.slice(colon + 1);
    // Like Pyro4's regex: the object part ends at the first "@" that has a location after it.
    const at = rest.indexOf("@");
    const object = at < 0 ? rest : rest.slice(0, at);
    const location = at < 0 ? undefined : rest.slice(at + 1);
    if (!object) throw bad(protocol === "PYROMETA" ? "no metadata tags" : "empty object id");
    if (/\s/.test(object)) throw bad("whitespace in object id");
    // URL habits ("pyro://obj@host:port") would silently make "//obj" the object id.
    if (object.startsWith("//")) throw bad(`Pyro URIs have no "//" after the protocol (write ${protocol}:${rest.slice(2)})`);
    const fields: UriFields = { protocol: protocol as UriProtocol };
    if (protocol === "PYROMETA") {
      const tags = splitTags(object);
      if (tags.some((t) => !t)) throw bad("empty metadata tag");
      fields.metadata = tags;
    } else {
      fields.object = object;
    }
    if (location === undefined || location === "") {
      if (protocol === "PYRO") throw bad(`missing location (expected ${protocol}:object@host:port)`);
      if (location === "") throw bad("empty location after '@'");
      return new URI(fields);
    }
    if (location.startsWith(UNIX_PREFIX)) {
      const sockname = location.slice(UNIX_PREFIX.length);
      if (!sockname) throw bad("empty Unix socket name after ./u:");
      if (sockname.includes(":")) throw bad("':' in Unix socket name");
      fields.sockname = sockname;
      return new URI(fields);
    }
    let host: string;
    let portText: string | undefined;
    if (location.startsWith("[")) {
      if (location.startsWith("[[")) throw bad("IPv6 address enclosed in too many brackets");
      const close = location.indexOf("]");
      if (close < 0) throw bad("missing ']' after IPv6 address");
      host = location.slice(1, close);
      if (!IPV6_HOST.test(host) || !host.includes(":")) throw bad(`invalid IPv6 address "${host}"`);
      const after = location.slice(close + 1);
      if (after !== "" && !after.startsWith(":")) throw bad(`unexpected text "${after}" after IPv6 address`);
      portText = after ? after.slice(1) : undefined;
    } else {
      const sep = location.indexOf(":");
      host = sep < 0 ? location : location.slice(0, sep);
      portText = sep < 0 ? undefined : location.slice(sep + 1);
    }
    if (!host) throw bad("empty host");
    if (/\s/.test(host)) throw bad("whitespace in host");
    fields.host = host;
    if (portText === undefined) {
      if (protocol === "PYRO") throw bad(`missing port (expected PYRO:${object}@${location}:port)`);
      fields.port = defaultNsPort;
    } else {
      if (!/^\d{1,5}$/.test(portText)) throw bad(`invalid port "${portText}"`);
      const port = Number(portText);
      if (port > 65535) throw bad(`port ${port} out of range 0..65535`);
      fields.port = port;
    }
    return new URI(fields);
  }

  /** Parses the text, or returns undefined instead of throwing. */
  static tryParse(text: string): URI | undefined {
    try {
      return URI.parse(text);
    } catch {
      return undefined;
    }
  }

  /** A URI as is, or parsed from text. */
  static from(value: string | URI): URI {
    return value instanceof URI ? value : URI.parse(value);
  }

  /**
   * Rebuilds a URI from Pyro4's serialized state `[protocol, object, sockname, host, port]`
   * (the `state` of a `Pyro4.core.URI` class dict). Throws PyroError when it is malformed.
   */
  static fromState(state: unknown): URI {
    if (!Array.isArray(state) || state.length !== 5) throw new PyroError("invalid URI state: expected [protocol, object, sockname, host, port]");
    const [protocol, object, sockname, host, port] = state as unknown[];
    if (typeof protocol !== "string") throw new PyroError("invalid URI state: protocol is not a string");
    const fields: UriFields = { protocol: protocol as UriProtocol };
    // Python keeps PYROMETA tags in a set, which travels as a list.
    if (Array.isArray(object) && object.every((t) => typeof t === "string")) fields.metadata = object as string[];
    else if (typeof object === "string") fields.object = object;
    else throw new PyroError("invalid URI state: object is not a string");
    if (sockname != null) {
      if (typeof sockname !== "string") throw new PyroError("invalid URI state: sockname is not a string");
      fields.sockname = sockname;
    }
    if (host != null) {
      if (typeof host !== "string") throw new PyroError("invalid URI state: host is not a string");
      fields.host = host;
    }
    if (port != null) {
      if (typeof port !== "number") throw new PyroError("invalid URI state: port is not a number");
      fields.port = port;
    }
    // A unix-socket URI from Python may carry host/port None; anything else must be consistent.
    if (fields.sockname !== undefined && (fields.host !== undefined || fields.port !== undefined)) {
      throw new PyroError("invalid URI state: both sockname and host/port set");
    }
    return new URI(fields);
  }

  /** `host:port`, `[v6addr]:port` or `./u:sockname`; undefined when there is no location. */
  get location(): string | undefined {
    if (this.host !== undefined) return this.host.includes(":") ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
    if (this.sockname !== undefined) return UNIX_PREFIX + this.sockname;
    return undefined;
  }

  /** The canonical text, e.g. `PYRO:obj@[::1]:5555`. */
  toString(): string {
    const location = this.location;
    return location === undefined ? `${this.protocol}:${this.object}` : `${this.protocol}:${this.object}@${location}`;
  }

  /** True when both URIs have the same protocol, object, host, port and socket. */
  equals(other: unknown): boolean {
    if (!(other instanceof URI)) return false;
    return (
      this.protocol === other.protocol &&
      this.object === other.object &&
      this.host === other.host &&
      this.port === other.port &&
      this.sockname === other.sockname
    );
  }

  /** Pyro4's class dict for a URI, which serializers put on the wire. */
  toJSON(): { __class__: "Pyro4.core.URI"; state: [string, string | string[], string | null, string | null, number | null] } {
    // Python's URI.__getstate__; a PYROMETA object is Python's set of tags, so it goes as a list.
    const object = this.protocol === "PYROMETA" ? [...this.metadata] : this.object;
    return { __class__: "Pyro4.core.URI", state: [this.protocol, object, this.sockname ?? null, this.host ?? null, this.port ?? null] };
  }
}

/** True when the value is a {@link URI} instance. */
export function isURI(value: unknown): value is URI {
  return value instanceof URI;
}

const EMPTY: readonly string[] = Object.freeze([]);

function splitTags(text: string): string[] {
  return text.split(",").map((t) => t.trim());
}

function checkTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags)];
  if (unique.length === 0) throw new PyroError("invalid URI: PYROMETA needs at least one tag");
  for (const tag of unique) {
    if (typeof tag !== "string" || !tag) throw new PyroError("invalid URI: empty metadata tag");
    if (tag.includes(",")) throw new PyroError(`invalid URI: metadata tag "${tag}" contains a comma`);
  }
  return unique;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PyroError(`invalid URI: port ${port} out of range 0..65535`);
  return port;
}
