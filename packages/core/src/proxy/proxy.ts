/**
 * `Proxy<T>`: a local stand-in for a remote object.
 *
 * ```ts
 * const worker = new Proxy<WorkerApi>("PYRONAME:MyWorker");
 * const rate = await worker.getRate("EURUSD");        // a call
 * const region = await worker.region;                  // a property read
 * await setAttr(worker, "verbose", true);              // a property write
 * ```
 *
 * Every string key reads as a remote member, so the proxy's own controls live on free functions
 * (`bind`, `release`, `uriOf`, `setAttr`, `withOptions`, ...) and on symbols. It is never thenable:
 * `then` reads as undefined, so a proxy can be returned from async functions safely.
 */
import { inspect } from "node:util";

import { ProxyRef, installProxyReviver } from "../serializers/classes.js";
import { URI } from "../uri.js";
import { type RemoteMetadata, metadataFrom } from "./channel.js";
import { ProxyCore } from "./core.js";
import type { CallOptions, ProxyOptions } from "./options.js";
import type { Remote } from "./remote.js";
import { iterateCallResult } from "./stream.js";
import { type Batch, createBatch } from "./batch.js";

const EMPTY_KWARGS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** A proxy's face: its core plus per-view call options (see {@link withOptions}). */
class ProxyView {
  readonly members = new Map<string, unknown>();
  constructor(
    readonly core: ProxyCore,
    readonly callOptions: CallOptions | undefined,
  ) {}
}

const views = new WeakMap<object, ProxyView>();

/** What `new Proxy<T>(...)` accepts as its target. */
export type ProxyTarget = string | URI | ProxyRef;

/** The constructor type of {@link Proxy}. */
export interface ProxyConstructor {
  /**
   * Creates a proxy for the object at `uri` (`PYRO:`, `PYRONAME:` or `PYROMETA:`, a `URI`, or a
   * reference from `daemon.proxyFor`). Nothing connects until the first call.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  new <T = any>(uri: ProxyTarget, options?: ProxyOptions): Remote<T>;
  readonly prototype: object;
}

class PyroProxy {
  constructor(target: ProxyTarget, options: ProxyOptions = {}) {
    let metadata: RemoteMetadata | undefined;
    let uri: URI;
    if (target instanceof ProxyRef) {
      uri = target.uri;
      // Pyro4 proxies carry their HMAC key; a proxy that arrives with one keeps using it.
      if (target.hmacKey && options.hmacKey === undefined) options = { ...options, hmacKey: target.hmacKey.toString("utf8") };
      metadata = metadataFrom({ methods: target.methods, oneway: target.oneway, attrs: target.attrs });
    } else if (target instanceof URI) {
      uri = target;
    } else if (typeof target === "string") {
      uri = URI.parse(target);
    } else {
      throw new TypeError(`Proxy needs a URI string, a URI or a proxy reference, got ${describe(target)}`);
    }
    const core = new ProxyCore(uri, options, metadata);
    if (target instanceof ProxyRef) core.sourceRef = target;
    return face(new ProxyView(core, undefined));
  }
}

/** Remote object proxy; see the module documentation. */
export const Proxy = PyroProxy as unknown as ProxyConstructor;

// Proxies that arrive inside payloads (autoproxied objects, callbacks) become live proxies.
installProxyReviver((ref) => new Proxy(ref));

function face(view: ProxyView): object {
  const proxy = new globalThis.Proxy(Object.create(PyroProxy.prototype) as object, {
    get(_target, key) {
      if (typeof key === "symbol") return symbolMember(view, key);
      if (key === "then") return undefined;
      if (key === "toJSON") return () => refOf(view.core).toJSON();
      let member = view.members.get(key);
      if (member === undefined) {
        member = makeMember(view, key);
        view.members.set(key, member);
      }
      return member;
    },
    set(_target, key) {
      throw new TypeError(`cannot assign ${String(key)} on a proxy: use await setAttr(proxy, ${JSON.stringify(String(key))}, value)`);
    },
    defineProperty() {
      throw new TypeError("cannot define properties on a proxy");
    },
  });
  views.set(proxy, view);
  return proxy;
}

function makeMember(view: ProxyView, name: string): unknown {
  const { core, callOptions } = view;
  const member = (...args: unknown[]) => {
    const result = core.call(name, args, EMPTY_KWARGS, callOptions) as Promise<unknown> & { [Symbol.asyncIterator]?: unknown };
    // Lets `for await (const x of proxy.generator())` iterate a remote iterator directly.
    result[Symbol.asyncIterator] = iterateCallResult;
    return result;
  };
  // Awaiting a member reads the remote property of that name.
  return Object.assign(member, {
    then: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) =>
      core.getAttr(name, callOptions).then(onFulfilled, onRejected),
    catch: (onRejected?: (reason: unknown) => unknown) => core.getAttr(name, callOptions).catch(onRejected),
    finally: (onFinally?: () => void) => core.getAttr(name, callOptions).finally(onFinally),
  });
}

function symbolMember(view: ProxyView, key: symbol): unknown {
  if (key === Symbol.asyncDispose) return async () => view.core.release();
  if (key === Symbol.toStringTag) return "Pyro.Proxy";
  if (key === inspect.custom) return () => `<Pyro.Proxy ${view.core.uri}${view.core.connected ? " (connected)" : ""}>`;
  return undefined;
}

function viewOf(proxy: unknown): ProxyView {
  const view = typeof proxy === "object" && proxy !== null ? views.get(proxy) : undefined;
  if (!view) throw new TypeError(`not a pyrots proxy: ${describe(proxy)}`);
  return view;
}

function refOf(core: ProxyCore): ProxyRef {
  // A proxy that arrived by value goes on as it came (keeping Pyro4 state such as its HMAC key).
  if (core.sourceRef && core.sourceRef.uri.equals(core.uri)) return core.sourceRef;
  const meta = core.metadata;
  return new ProxyRef({ uri: core.uri, oneway: meta ? [...meta.oneway] : [], methods: meta ? [...meta.methods] : [], attrs: meta ? [...meta.attrs] : [] });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

/** True if `value` is a pyrots proxy. */
export function isProxy(value: unknown): boolean {
  return typeof value === "object" && value !== null && views.has(value);
}

/** Connects now: resolves a `PYRONAME:` for good and fetches metadata. */
export async function bind(proxy: object): Promise<void> {
  await viewOf(proxy).core.bind();
}

/** Closes the proxy's connection(s); the next call connects again. */
export function release(proxy: object): void {
  viewOf(proxy).core.release();
}

/** The proxy's current URI (the resolved `PYRO:` one once connected). */
export function uriOf(proxy: object): URI {
  return viewOf(proxy).core.uri;
}

/** Sets an exposed property of the remote object. */
export async function setAttr(proxy: object, name: string, value: unknown): Promise<void> {
  const view = viewOf(proxy);
  await view.core.setAttr(name, value, view.callOptions);
}

/** Calls a remote method with Python keyword arguments, e.g. `ns.list(prefix="a.")`. */
export function callWithKwargs(proxy: object, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
  const view = viewOf(proxy);
  return view.core.call(method, args, kwargs, view.callOptions);
}

/**
 * A view of the same proxy (same connection) whose calls use `options`: a timeout, or an
 * `AbortSignal`. `withOptions(worker, { timeout: 2 }).getRate("EURUSD")`.
 */
export function withOptions<P extends object>(proxy: P, options: CallOptions): P {
  const view = viewOf(proxy);
  return face(new ProxyView(view.core, { ...view.callOptions, ...options })) as P;
}

/** The exposed methods, oneway methods and attributes known for the remote object, once connected. */
export function metadataOf(proxy: object): { methods: string[]; oneway: string[]; attrs: string[] } | undefined {
  const meta = viewOf(proxy).core.metadata;
  return meta && { methods: [...meta.methods], oneway: [...meta.oneway], attrs: [...meta.attrs] };
}

/** A serializable reference to the proxy's object (Pyro4's proxy state). */
export function refFor(proxy: object): ProxyRef {
  return refOf(viewOf(proxy).core);
}

/** Starts a batch of calls on the proxy's object; send it with `runBatch`. */
export function batch<T>(proxy: Remote<T>): Batch<T> {
  return createBatch<T>(viewOf(proxy).core);
}

/** @internal The core of a proxy, for sibling modules (batches, streams). */
export function coreOf(proxy: object): ProxyCore {
  return viewOf(proxy).core;
}
