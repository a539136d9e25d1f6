/**
 * JS values for Python/Pyro4 things that have no native JS counterpart: Pyro proxies, daemons
 * and exception holders that arrive inside payloads, complex numbers and calendar dates.
 * Each knows its own wire form (`toJSON()` gives Pyro4's class dict).
 */
import { ProtocolError, PyroError } from "../errors.js";
import { URI } from "../uri.js";

/** Pyro4's class dict shape for core objects. */
export interface ClassDict {
  __class__: string;
  [key: string]: unknown;
}

/** The fields of a {@link ProxyRef}, as in Pyro4's 9-element proxy state. */
export interface ProxyRefFields {
  uri: URI;
  oneway?: readonly string[];
  methods?: readonly string[];
  attrs?: readonly string[];
  /** Seconds, or null for none. Receivers use their own config instead. */
  timeout?: number | null;
  hmacKey?: Buffer | null;
  handshake?: unknown;
  maxRetries?: number;
  serializer?: string | null;
  /**
   * The protocol the proxy's daemon speaks, when the payload told: 502 for a proxy that arrived
   * as a Pyro5 `Pyro5.client.Proxy`. Absent: the proxy finds out when it connects.
   */
  protocol?: 48 | 502;
}

/**
 * Marks an object registered on a daemon: its value is a function giving the object's
 * {@link ProxyRef}. Serializers send such objects as proxies (Pyro's autoproxy), not by value.
 */
export const AUTOPROXY: unique symbol = Symbol("pyrots.autoproxy");

/** An object carrying the {@link AUTOPROXY} mark. */
export interface AutoproxyTarget {
  [AUTOPROXY]?: () => ProxyRef;
}

/**
 * A Pyro proxy that travelled by value (`Pyro4.core.Proxy`), e.g. an autoproxied object returned
 * by a daemon. It only describes the remote object; the proxy layer turns it into a live proxy.
 */
export class ProxyRef {
  readonly uri: URI;
  readonly oneway: readonly string[];
  readonly methods: readonly string[];
  readonly attrs: readonly string[];
  readonly timeout: number | null;
  readonly hmacKey: Buffer | null;
  readonly handshake: unknown;
  readonly maxRetries: number;
  readonly serializer: string | null;
  /** See {@link ProxyRefFields.protocol}. */
  readonly protocol: 48 | 502 | undefined;

  /** Describes a proxy for `fields.uri`; missing lists are empty. */
  constructor(fields: ProxyRefFields) {
    this.uri = fields.uri;
    this.oneway = fields.oneway ?? [];
    this.methods = fields.methods ?? [];
    this.attrs = fields.attrs ?? [];
    this.timeout = fields.timeout ?? null;
    this.hmacKey = fields.hmacKey ?? null;
    this.handshake = fields.handshake === undefined ? "hello" : fields.handshake;
    this.maxRetries = fields.maxRetries ?? 0;
    this.serializer = fields.serializer ?? null;
    this.protocol = fields.protocol;
  }

  /** Rebuilds a proxy reference from Pyro4's state list; throws on a malformed one. */
  static fromState(state: unknown): ProxyRef {
    if (!Array.isArray(state) || state.length < 8 || state.length > 9) throw new PyroError("invalid Proxy state: expected 8 or 9 elements");
    const [uri, oneway, methods, attrs, timeout, hmac, handshake, maxRetries, serializer] = state as unknown[];
    if (typeof uri !== "string" && !(uri instanceof URI)) throw new PyroError("invalid Proxy state: uri is not a string");
    let hmacKey: Buffer | null = null;
    if (hmac) {
      // Python's rule: only the "b64:" encoding exists.
      if (typeof hmac !== "string" || !hmac.startsWith("b64:")) throw new ProtocolError("hmac encoding error");
      hmacKey = Buffer.from(hmac.slice(4), "base64");
    }
    return new ProxyRef({
      uri: URI.from(uri),
      oneway: names(oneway, "oneway"),
      methods: names(methods, "methods"),
      attrs: names(attrs, "attrs"),
      timeout: typeof timeout === "number" ? timeout : null,
      hmacKey,
      handshake,
      maxRetries: typeof maxRetries === "number" ? maxRetries : 0,
      serializer: typeof serializer === "string" ? serializer : null,
    });
  }

  /**
   * Rebuilds a proxy reference from Pyro5's 6-element state `(uri, oneway, methods, attrs,
   * handshake, serializer)`; throws on a malformed one. The reference speaks protocol 502.
   */
  static fromPyro5State(state: unknown): ProxyRef {
    if (!Array.isArray(state) || state.length !== 6) throw new PyroError("invalid Pyro5 Proxy state: expected 6 elements");
    const [uri, oneway, methods, attrs, handshake, serializer] = state as unknown[];
    if (typeof uri !== "string" && !(uri instanceof URI)) throw new PyroError("invalid Proxy state: uri is not a string");
    return new ProxyRef({
      uri: URI.from(uri),
      oneway: names(oneway, "oneway"),
      methods: names(methods, "methods"),
      attrs: names(attrs, "attrs"),
      handshake,
      serializer: typeof serializer === "string" ? serializer : null,
      protocol: 502,
    });
  }

  /** Pyro5's state of this proxy: `(uri text, oneway, methods, attrs, handshake, serializer)`. */
  pyro5State(): unknown[] {
    return [this.uri.toString(), [...this.oneway], [...this.methods], [...this.attrs], this.handshake, this.serializer];
  }

  /** Pyro4's class dict for a proxy. */
  toJSON(): ClassDict {
    const hmac = this.hmacKey ? "b64:" + this.hmacKey.toString("base64") : null;
    return {
      __class__: "Pyro4.core.Proxy",
      state: [this.uri.toString(), [...this.oneway], [...this.methods], [...this.attrs], this.timeout, hmac, this.handshake, this.maxRetries, this.serializer],
    };
  }
}

/** A `Pyro4.core.Daemon` that travelled by value: Pyro4 also makes it an unusable placeholder. */
export class DaemonPlaceholder {
  /** Pyro4's class dict for a daemon (empty state). */
  toJSON(): ClassDict {
    return { __class__: "Pyro4.core.Daemon", state: [] };
  }
}

/**
 * `Pyro4.futures._ExceptionWrapper`: an exception delivered as a value, as in batch results.
 * The proxy layer rethrows `error` when it meets one.
 */
export class ExceptionWrapper {
  /** Wraps the error to deliver; `includeTraceback` sends its traceback lines along. */
  constructor(
    readonly error: Error,
    readonly includeTraceback = false,
  ) {}
}

/** A Python `complex` (msgpack ext 0x30). */
export class Complex {
  /** A complex number `real + imag·j`. */
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}

  /** Python's repr, e.g. `(1+2j)`. */
  toString(): string {
    const sign = this.imag < 0 || Object.is(this.imag, -0) ? "-" : "+";
    return `(${this.real}${sign}${Math.abs(this.imag)}j)`;
  }
}

/**
 * A Python `datetime.date` (msgpack ext 0x33): a calendar day with no time and no zone. Kept as
 * its own type instead of a JS Date so that it travels back to Python as a date, not a datetime.
 */
export class PyDate {
  /** A proleptic Gregorian date; month 1..12. */
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** The date with Python's `date.toordinal()` number (1 = 0001-01-01). */
  static fromOrdinal(ordinal: number): PyDate {
    const d = new Date((ordinal - ORDINAL_OF_EPOCH) * DAY_MS);
    if (!Number.isFinite(d.getTime()) || ordinal < 1) throw new PyroError(`invalid date ordinal ${ordinal}`);
    return new PyDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }

  /** Python's `date.toordinal()`. */
  toOrdinal(): number {
    return Math.round(this.toDate().getTime() / DAY_MS) + ORDINAL_OF_EPOCH;
  }

  /** Midnight UTC of this day. */
  toDate(): Date {
    const d = new Date(0);
    d.setUTCFullYear(this.year, this.month - 1, this.day);
    return d;
  }

  /** ISO text `YYYY-MM-DD`, as Python's `date.isoformat()`. */
  toString(): string {
    return `${String(this.year).padStart(4, "0")}-${String(this.month).padStart(2, "0")}-${String(this.day).padStart(2, "0")}`;
  }

  /** The ISO text, so that the json serializer sends what Pyro4's sends for a date. */
  toJSON(): string {
    return this.toString();
  }
}

const DAY_MS = 86_400_000;
/** `date(1970, 1, 1).toordinal()` in Python. */
const ORDINAL_OF_EPOCH = 719_163;

function names(value: unknown, what: string): string[] {
  if (value == null) return [];
  if (!Array.isArray(value) || !value.every((n) => typeof n === "string")) throw new PyroError(`invalid Proxy state: ${what} is not a list of names`);
  return value as string[];
}
