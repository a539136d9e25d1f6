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

import { AUTOPROXY, ProxyRef } from "../serializers/values.js";
import { NO_KWARGS } from "../serializers/call.js";
import { URI } from "../uri.js";
import { type RemoteMetadata, metadataFrom } from "./metadata.js";
import { ProxyCore } from "./core.js";
import type { ProxyEngine } from "./engine.js";
import type { CallOptions } from "./options.js";
import type { Remote } from "./remote.js";
import { type ProxySettings, settingsForRef } from "./settings.js";
import { ONEWAY_SENT } from "./pending.js";
import { iterateCallResult } from "./stream.js";
import { withCallerStack } from "./caller-stack.js";
import { type Batch, createBatch } from "./batch.js";

/** A proxy's face: its engine (one object's core, or a pool) plus per-view call options (see {@link withOptions}). */
class ProxyView {
  readonly members = new Map<string, unknown>();
  constructor(
    readonly core: ProxyEngine,
    readonly callOptions: CallOptions | undefined,
  ) {}
}

const views = new WeakMap<object, ProxyView>();

/** What a proxy can be made for. */
export type ProxyTarget = string | URI | ProxyRef;

/**
 * The prototype of every proxy face, so that `proxy instanceof Proxy` holds for the public
 * constructor that shares it.
 */
export const proxyPrototype: object = Object.create(Object.prototype, {
  [Symbol.toStringTag]: { value: "Pyro.Proxy" },
  // util.inspect looks past a JS Proxy's traps at its target (this prototype), then calls what it
  // finds with the proxy itself as `this`.
  [inspect.custom]: {
    value(this: object) {
      const view = views.get(this);
      return view ? inspectProxy(view.core) : "<Pyro.Proxy>";
    },
  },
});

/**
 * What `proxy.constructor` reads as: a function named `Proxy`. Not `Object`, so that code which
 * takes objects whose constructor is `Object` for plain data (the serializers do) does not.
 */
const constructorStandIn = Object.defineProperty(function () {}, "name", { value: "Proxy" });

/**
 * Names that JavaScript machinery reads or calls on any object without being asked to
 * (conversions to text and numbers, JSON, `Object.prototype` helpers, promise resolution). On a
 * proxy they are local and never remote calls: otherwise a template literal or a library's
 * `String(x)` would start a call to wherever the proxy points, possibly an address a peer chose.
 * Exposed remote methods never have these names (the decorators refuse them); a Python method
 * with one of them can still be called with `callWithKwargs`.
 */
const LOCAL_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "then", "toJSON", "inspect"]);

/**
 * Makes a proxy face for `target` with `settings`. Nothing connects until the application calls
 * a method or reads a property. Proxies that arrive in its replies get the same settings.
 */
export function createProxy(target: URI | ProxyRef, settings: ProxySettings): object {
  return face(new ProxyView(createCore(target, settings), undefined));
}

/** The engine of a proxy for `target` with `settings`, without a face (pools hold one per worker). */
export function createCore(target: URI | ProxyRef, settings: ProxySettings): ProxyCore {
  let metadata: RemoteMetadata | undefined;
  let uri: URI;
  let effective = settings;
  if (target instanceof ProxyRef) {
    uri = target.uri;
    effective = settingsForRef(settings, target);
    metadata = metadataFrom({ methods: target.methods, oneway: target.oneway, attrs: target.attrs });
  } else {
    uri = target;
  }
  const core: ProxyCore = new ProxyCore(uri, effective, metadata, (ref) => createProxy(ref, core.settingsForReplies()));
  if (target instanceof ProxyRef) core.sourceRef = target;
  return core;
}

/** A proxy face driven by `engine` (a pool's, for example): `Remote<T>` like any other proxy. */
export function createFace(engine: ProxyEngine): object {
  return face(new ProxyView(engine, undefined));
}

/** `target` as a URI or proxy reference; TypeError naming what was passed otherwise. */
export function proxyTargetOf(target: unknown): URI | ProxyRef {
  if (target instanceof ProxyRef || target instanceof URI) return target;
  if (typeof target === "string") return URI.parse(target);
  throw new TypeError(`Proxy needs a URI string, a URI or a proxy reference, got ${describe(target)}`);
}

function face(view: ProxyView): object {
  const proxy = new globalThis.Proxy(Object.create(proxyPrototype) as object, {
    get(_target, key) {
      if (typeof key === "symbol") return symbolMember(view, key);
      // Looked up first: the members made so far are what calls read, and never local names.
      let member = view.members.get(key);
      if (member !== undefined) return member;
      if (LOCAL_NAMES.has(key)) return localMember(view, key);
      member = makeMember(view, key);
      view.members.set(key, member);
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

/** The local meaning of a name in {@link LOCAL_NAMES}. */
function localMember(view: ProxyView, key: string): unknown {
  switch (key) {
    case "then":
      return undefined;
    case "toJSON":
      return () => view.core.ref().toJSON();
    case "toString":
    case "toLocaleString":
      return () => describeProxy(view.core);
    case "inspect":
      return undefined;
    case "constructor":
      return constructorStandIn;
    default:
      return (Object.prototype as Record<string, unknown>)[key];
  }
}

function makeMember(view: ProxyView, name: string): unknown {
  const { core, callOptions } = view;
  // A oneway call that already left returns the shared resolved promise as it is: nothing about
  // it can fail any more, and it is iterable already.
  const member = core.settings.callerStacks
    ? (...args: unknown[]) => {
        const result = core.call(name, args, NO_KWARGS, callOptions);
        return result === ONEWAY_SENT ? result : iterable(withCallerStack(result));
      }
    : (...args: unknown[]) => {
        const result = core.call(name, args, NO_KWARGS, callOptions);
        return result === ONEWAY_SENT ? result : iterable(result);
      };
  // Awaiting a member reads the remote property of that name.
  return Object.assign(member, {
    then: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) =>
      core.getAttr(name, callOptions).then(onFulfilled, onRejected),
    catch: (onRejected?: (reason: unknown) => unknown) => core.getAttr(name, callOptions).catch(onRejected),
    finally: (onFinally?: () => void) => core.getAttr(name, callOptions).finally(onFinally),
  });
}

/** Lets `for await (const x of proxy.generator())` iterate a remote iterator directly. */
function iterable(result: Promise<unknown>): Promise<unknown> {
  (result as Promise<unknown> & { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] = iterateCallResult;
  return result;
}

function symbolMember(view: ProxyView, key: symbol): unknown {
  if (key === Symbol.asyncDispose) return () => view.core.close();
  if (key === Symbol.toStringTag) return "Pyro.Proxy";
  if (key === Symbol.toPrimitive) return () => describeProxy(view.core);
  if (key === inspect.custom) return () => inspectProxy(view.core);
  // Sent inside a value, a proxy travels as a proxy reference in the connection's dialect (Pyro5's
  // names on a 502 connection); its toJSON() gives Pyro4's class dict only.
  if (key === AUTOPROXY) return () => view.core.ref();
  return undefined;
}

/** What `console.log` shows for a proxy. */
function inspectProxy(core: ProxyEngine): string {
  return `<Pyro.Proxy ${core.uri}${core.connected ? " (connected)" : ""}>`;
}

/** What a proxy reads as in text: `Pyro.Proxy(PYRO:obj@host:port)`. */
function describeProxy(core: ProxyEngine): string {
  return `Pyro.Proxy(${core.uri})`;
}

function viewOf(proxy: unknown): ProxyView {
  const view = typeof proxy === "object" && proxy !== null ? views.get(proxy) : undefined;
  if (!view) throw new TypeError(`not a pyrots proxy: ${describe(proxy)}`);
  return view;
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

/**
 * The name of the serializer the proxy's calls use (Pyro4's `_pyroSerializer`): the configured
 * one, or, for a proxy whose serializer nobody chose, the one it fell back to when a daemon refused
 * that (known once connected).
 */
export function serializerOf(proxy: object): string {
  return viewOf(proxy).core.serializerName;
}

/** A serializable reference to the proxy's object (Pyro4's proxy state). */
export function refFor(proxy: object): ProxyRef {
  return viewOf(proxy).core.ref();
}

/** Starts a batch of calls on the proxy's object; send it with `runBatch`. */
export function batch<T>(proxy: Remote<T>): Batch<T> {
  return createBatch<T>(viewOf(proxy).core);
}

/** @internal The core of a proxy, for sibling modules and tests; TypeError for a pool proxy (it has one core per worker). */
export function coreOf(proxy: object): ProxyCore {
  const core = viewOf(proxy).core;
  if (!(core instanceof ProxyCore)) throw new TypeError("a pool proxy has no single core: it holds one per worker");
  return core;
}

/** @internal The engine of a proxy: its core, or its pool. */
export function engineOf(proxy: object): ProxyEngine {
  return viewOf(proxy).core;
}
