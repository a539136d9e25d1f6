/**
 * The browser client of `pyro-httpgateway`: typed proxies for objects behind the gateway, with the
 * same `Remote<T>` type as pyrots' Node proxies. An ES module with no dependencies; the gateway
 * serves it at `<prefix>/pyro/$client.js`, and bundlers get it as `@pyrots/web/client`.
 *
 * ```ts
 * import { gatewayProxy } from "/pyro/$client.js";
 * const calc = gatewayProxy<CalcApi>("/pyro", "example.calc", { key });
 * await calc.add(1, 2);                        // 3
 * for await (const tick of calc.ticks(3)) {}   // a remote iterator, streamed
 * await calc.model;                            // an attribute
 * ```
 *
 * As with Node proxies, every string key is a remote member, so the proxy's controls are free
 * functions (`callWithKwargs`, `withOptions`, `clientOf`) and a proxy is never thenable.
 */
import type { Remote } from "@pyrots/core/remote";
import { GatewayError, UnreachableError, errorFromAnswer } from "./errors.js";
import type { BatchResult, NameListing, ObjectMembers, PingResult, StatsSnapshot } from "./protocol.js";
import { GatewayStream } from "./stream.js";
import { fromJsonText, toJsonText } from "./wire.js";

export * from "./errors.js";
export type * from "./protocol.js";
export { GatewayStream } from "./stream.js";
export { fromJsonText, toJsonText } from "./wire.js";
export { type Fleet, fleetsOf } from "./fleets.js";
export type { Remote };

/** Options of a {@link GatewayClient} (and of `gatewayProxy`). */
export interface ClientOptions {
  /** The gateway key, sent as `X-Pyro-Gateway-Key`. */
  key?: string;
  /** Seconds a call may take (the gateway caps it at its own limit). */
  timeout?: number;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Cookies and HTTP authentication for cross-origin gateways (`fetch`'s `credentials`). */
  credentials?: RequestCredentials;
}

/** Options of one call. */
export interface CallOptions {
  /** Seconds the call may take. */
  timeout?: number;
  /** Aborts the request (a running stream is closed on the remote side). */
  signal?: AbortSignal;
  /** The call's correlation id (a UUID); the gateway makes one otherwise. */
  correlationId?: string;
  /** Send as oneway: the answer comes once the gateway has sent the call, without a result. */
  oneway?: boolean;
}

/** One call of {@link GatewayClient.batch}. */
export interface BatchCall {
  name: string;
  method: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  oneway?: boolean;
  /** Read an attribute instead of calling a method. */
  attribute?: boolean;
}

/** Seconds a request may outlast its call timeout before the client gives up on the gateway itself. */
const GRACE_SECONDS = 5;

/** Talks to one gateway. */
export class GatewayClient {
  /** The gateway's API base, ending in `/` (e.g. `https://host/pyro/`). */
  readonly base: string;

  /** @param base the gateway's `pyro` URL, absolute or relative to the page (`"/pyro"`). */
  constructor(
    base: string,
    readonly options: ClientOptions = {},
  ) {
    this.base = new URL(base.endsWith("/") ? base : `${base}/`, globalThis.location?.href).href;
  }

  /** Calls `method` of the object registered as `name`; a remote iterator comes back as a {@link GatewayStream}. */
  call(name: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, options: CallOptions = {}): Promise<unknown> {
    return this.request(
      `${segment(name)}/${segment(method)}`,
      { method: "POST", body: toJsonText({ args, kwargs }) },
      options,
      options.oneway ? "oneway" : undefined,
    );
  }

  /** Reads the attribute `attribute` of the object registered as `name`. */
  attribute(name: string, attribute: string, options: CallOptions = {}): Promise<unknown> {
    return this.request(`${segment(name)}/${segment(attribute)}`, { method: "GET" }, options, "attribute");
  }

  /** The object's methods, attributes and oneway methods. */
  meta(name: string): Promise<ObjectMembers> {
    return this.request(`${segment(name)}/$meta`, { method: "GET" }, {}) as Promise<ObjectMembers>;
  }

  /** Pings the object's daemon through the gateway; resolves with the gateway's round trip in ms. */
  async ping(name: string, options: CallOptions = {}): Promise<number> {
    return ((await this.request(`${segment(name)}/$ping`, { method: "GET" }, options)) as PingResult).ms;
  }

  /** The exposed names of the gateway's name server, with URIs and metadata. */
  names(): Promise<NameListing> {
    return this.request("$names", { method: "GET" }, {}) as Promise<NameListing>;
  }

  /** The call statistics the gateway keeps. */
  stats(): Promise<StatsSnapshot> {
    return this.request("$stats", { method: "GET" }, {}) as Promise<StatsSnapshot>;
  }

  /** Runs calls in order in one request; each result says whether its call succeeded. */
  async batch(calls: readonly BatchCall[], options: CallOptions = {}): Promise<BatchResult[]> {
    const answer = (await this.request("$batch", { method: "POST", body: toJsonText({ calls }) }, options)) as { results: BatchResult[] };
    return answer.results;
  }

  /** A typed proxy for the object registered as `name`. */
  proxy<T>(name: string, options: CallOptions = {}): Remote<T> {
    return makeProxy<T>(this, name, options);
  }

  private async request(path: string, init: { method: string; body?: string }, options: CallOptions, pyroOption?: string): Promise<unknown> {
    const headers: Record<string, string> = { Accept: "application/json, application/x-ndjson", ...this.options.headers };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    if (this.options.key !== undefined) headers["X-Pyro-Gateway-Key"] = this.options.key;
    const timeout = options.timeout ?? this.options.timeout;
    if (timeout !== undefined) headers["X-Pyro-Timeout"] = String(timeout);
    if (options.correlationId !== undefined) headers["X-Pyro-Correlation-Id"] = options.correlationId;
    if (pyroOption !== undefined) headers["X-Pyro-Options"] = pyroOption;
    const signals = [options.signal, timeout !== undefined ? AbortSignal.timeout((timeout + GRACE_SECONDS) * 1000) : undefined].filter((s) => s !== undefined);
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await doFetch(this.base + path, {
        method: init.method,
        body: init.body,
        headers,
        credentials: this.options.credentials,
        signal: signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new UnreachableError(
        0,
        { error: "gateway-unreachable", message: `the gateway at ${this.base} could not be reached: ${(error as Error).message}` },
        options.correlationId,
      );
    }
    const correlationId = response.headers.get("X-Pyro-Correlation-Id") ?? options.correlationId;
    const type = response.headers.get("Content-Type") ?? "";
    if (response.ok && type.startsWith("application/x-ndjson") && response.body) return new GatewayStream(response.body, correlationId);
    const text = await response.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : fromJsonText(text);
    } catch {
      if (response.ok) throw new GatewayError(response.status, { error: "bad-answer", message: "the gateway's answer is not JSON" }, correlationId);
      body = { message: text.slice(0, 200) };
    }
    if (!response.ok) throw errorFromAnswer(response.status, body, correlationId);
    return body;
  }
}

/** A typed proxy for the object registered as `name` behind the gateway at `base` (its `pyro` URL). */
export function gatewayProxy<T>(base: string, name: string, options: ClientOptions & CallOptions = {}): Remote<T> {
  const { timeout, signal, correlationId, oneway, ...clientOptions } = options;
  return new GatewayClient(base, { ...clientOptions, timeout }).proxy<T>(name, { signal, correlationId, oneway });
}

interface ProxyState {
  readonly client: GatewayClient;
  readonly name: string;
  readonly options: CallOptions;
}

const states = new WeakMap<object, ProxyState>();

/** Names JavaScript reads on any object by itself: local on a proxy, never remote calls. */
const LOCAL_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "then", "toJSON", "inspect"]);
const asyncDispose: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose");

function makeProxy<T>(client: GatewayClient, name: string, options: CallOptions): Remote<T> {
  const state: ProxyState = { client, name, options };
  const members = new Map<string, unknown>();
  const proxy = new Proxy(Object.create(null) as object, {
    get(_target, key) {
      if (typeof key === "symbol") {
        if (key === asyncDispose) return async () => undefined;
        if (key === Symbol.toStringTag) return "Pyro.GatewayProxy";
        if (key === Symbol.toPrimitive) return () => `Pyro.GatewayProxy(${name})`;
        return undefined;
      }
      if (LOCAL_NAMES.has(key)) return localMember(key, name);
      let member = members.get(key);
      if (member === undefined) members.set(key, (member = memberOf(state, key)));
      return member;
    },
    set(_target, key) {
      throw new TypeError(`cannot assign ${String(key)} on a gateway proxy: the gateway reads attributes only`);
    },
  });
  states.set(proxy, state);
  return proxy as Remote<T>;
}

function localMember(key: string, name: string): unknown {
  if (key === "then" || key === "inspect") return undefined;
  if (key === "toJSON") return () => ({ gatewayProxy: name });
  if (key === "toString" || key === "toLocaleString") return () => `Pyro.GatewayProxy(${name})`;
  return (Object.prototype as Record<string, unknown>)[key];
}

function memberOf(state: ProxyState, member: string): unknown {
  const { client, name, options } = state;
  const call = (...args: unknown[]) => iterable(client.call(name, member, args, {}, options));
  const read = () => client.attribute(name, member, options);
  // Awaiting the member itself reads the remote attribute of that name.
  return Object.assign(call, {
    then: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => read().then(onFulfilled, onRejected),
    catch: (onRejected?: (reason: unknown) => unknown) => read().catch(onRejected),
    finally: (onFinally?: () => void) => read().finally(onFinally),
  });
}

/** Lets `for await (const x of proxy.method())` iterate the call's result directly. */
function iterable(result: Promise<unknown>): Promise<unknown> & AsyncIterable<unknown> {
  return Object.assign(result, {
    async *[Symbol.asyncIterator]() {
      const value = await result;
      if (value instanceof GatewayStream) yield* value;
      else if (Array.isArray(value)) yield* value;
      else throw new TypeError(`the remote method did not return an iterator (got ${value === null ? "null" : typeof value})`);
    },
  });
}

function stateOf(proxy: object): ProxyState {
  const state = states.get(proxy);
  if (!state) throw new TypeError("not a gateway proxy");
  return state;
}

/** Calls a method with Python keyword arguments: `callWithKwargs(ns, "list", [], { prefix: "a." })`. */
export function callWithKwargs(proxy: object, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
  const { client, name, options } = stateOf(proxy);
  return client.call(name, method, args, kwargs, options);
}

/** A proxy for the same object whose calls use `options` (timeout, signal, correlation id, oneway). */
export function withOptions<P extends object>(proxy: P, options: CallOptions): P {
  const { client, name, options: current } = stateOf(proxy);
  return makeProxy(client, name, { ...current, ...options }) as P;
}

/** The client a proxy talks through (for `meta`, `ping`, `batch`, ...). */
export function clientOf(proxy: object): GatewayClient {
  return stateOf(proxy).client;
}

/** The registered name a proxy stands for. */
export function nameOf(proxy: object): string {
  return stateOf(proxy).name;
}

/** A URL path segment for a name or method: percent-encoded, and never `.` or `..`. */
function segment(part: string): string {
  const encoded = encodeURIComponent(part);
  return encoded === "." || encoded === ".." ? encoded.replaceAll(".", "%2E") : encoded;
}
