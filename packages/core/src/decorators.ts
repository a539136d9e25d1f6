/**
 * `@expose`, `@oneway`, `@callback`, `@idempotent` and `@behavior`: legacy decorators that only record metadata,
 * plus the computed, cached view a daemon uses to decide what a client may reach.
 *
 * Marks live on the member's *definition* (prototype + name), as Pyro4 marks the function object:
 * a subclass inherits the exposure of members it does not redefine, an undecorated override is
 * not exposed, and `@expose` on a class marks that class's own members only, never those of an
 * unexposed base class (verified against Pyro4 4.82).
 */
import { PythonError } from "./errors.js";
import { JS_RESERVED_NAMES, isPrivateName } from "./member-names.js";

export { isPrivateName } from "./member-names.js";

/** A mark a decorator leaves on a member definition. */
type MemberMark = "exposed" | "oneway" | "callback" | "idempotent";

/** How a registered class gets instances: one per daemon, one per connection, or one per call. */
export type InstanceMode = "single" | "session" | "percall";

/** Creates the instance a daemon serves for `cls`; must return an instance of `cls`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InstanceCreator = (cls: new (...args: any[]) => any) => object;

/** Options of {@link behavior}. */
export interface BehaviorOptions {
  /** Default `"session"`. */
  instanceMode?: InstanceMode;
  /** Called instead of `new cls()` to create instances. */
  instanceCreator?: InstanceCreator;
}

/** The instancing behaviour recorded for a class. */
export interface Behavior {
  readonly instanceMode: InstanceMode;
  readonly instanceCreator?: InstanceCreator;
}

/** What clients may reach on a class; also the metadata sent to proxies. */
export interface ExposedMembers {
  /** Exposed methods, oneway ones included. */
  readonly methods: ReadonlySet<string>;
  /** Exposed methods marked `@oneway`. */
  readonly oneway: ReadonlySet<string>;
  /** Exposed accessors (Pyro's exposed properties). */
  readonly attrs: ReadonlySet<string>;
  /** Exposed accessors that have a getter. */
  readonly readableAttrs: ReadonlySet<string>;
  /** Exposed accessors that have a setter. */
  readonly writableAttrs: ReadonlySet<string>;
  /** Exposed methods marked `@callback`. */
  readonly callbacks: ReadonlySet<string>;
  /** Exposed methods marked `@idempotent` (safe to repeat; advertised to pyrots clients). */
  readonly idempotent: ReadonlySet<string>;
  /** The class name, for Python-style "has no attribute" texts. */
  readonly className: string;
  /** Every member name defined on the class chain, exposed or not (for refusal texts only). */
  readonly definedNames: ReadonlySet<string>;
}

/** What {@link resolveMember} is asked to allow. */
export type MemberAccess = "call" | "get" | "set";

const MODES: readonly InstanceMode[] = ["single", "session", "percall"];
const DEFAULT_BEHAVIOR: Behavior = Object.freeze({ instanceMode: "session" });
const cache = new WeakMap<object, ExposedMembers>();
// The decorators' records, kept here rather than in a global metadata polyfill (loading one costs
// every process tens of milliseconds at start-up): marks by the prototype that defines the member.
const memberMarks = new WeakMap<object, Map<string, Set<MemberMark>>>();
const behaviors = new WeakMap<Function, Behavior>();
const NOTHING_EXPOSED = computeMembers(null);

/**
 * Exposes a class (all its own public methods and accessors) or a single method or accessor.
 * Names starting with `_` (dunders such as `__len__` excepted), `constructor`, `Object.prototype`
 * names, dotted names, symbols, static members and fields are refused with a TypeError.
 */
export function expose<T extends Function>(target: T): T;
export function expose(target: object, key: string | symbol, descriptor: PropertyDescriptor): void;
export function expose(target: object, key?: string | symbol, descriptor?: PropertyDescriptor): unknown {
  refuseStandardDecorators("@expose", key);
  if (key === undefined) {
    if (typeof target !== "function") throw new TypeError("@expose is used without parentheses, on a class, method or accessor");
    checkExposableName(target.name);
    for (const name of Object.getOwnPropertyNames(target.prototype)) {
      if (isPrivateName(name) || name.includes(".")) continue;
      const own = Object.getOwnPropertyDescriptor(target.prototype, name)!;
      if (typeof own.value === "function" || own.get || own.set) markMember(target.prototype, name, "exposed");
    }
    return target;
  }
  const name = memberName("@expose", target, key, descriptor);
  checkExposableName(name);
  if (typeof descriptor!.value !== "function" && !descriptor!.get && !descriptor!.set) {
    throw new TypeError(`@expose on '${name}': only methods and accessors can be exposed`);
  }
  markMember(target, name, "exposed");
  return undefined;
}

/** Marks a method oneway: clients do not wait for it. It still needs exposing. */
export function oneway(target: object, key: string | symbol, descriptor: PropertyDescriptor): void {
  markMethod("@oneway", "oneway", target, key, descriptor);
}

/**
 * Marks a method as a callback (typically on a client-side object a server calls back): an error
 * inside it is also raised where it runs, not only sent back. It still needs exposing.
 */
export function callback(target: object, key: string | symbol, descriptor: PropertyDescriptor): void {
  markMethod("@callback", "callback", target, key, descriptor);
}

/**
 * Marks a method as safe to repeat: running it twice with the same arguments has the effect of
 * running it once (a read, a put of a whole value, a task keyed by its id). Pool proxies then send
 * a call again on another worker when its connection was lost or it timed out (a call that was
 * never sent is retried whatever its method). Daemons advertise the mark in the handshake metadata
 * (`idempotent`, a pyrots addition that Pyro4 clients ignore). It still needs exposing.
 */
export function idempotent(target: object, key: string | symbol, descriptor: PropertyDescriptor): void {
  markMethod("@idempotent", "idempotent", target, key, descriptor);
}

/**
 * Sets how a daemon instantiates a registered class (default mode `"session"`). Subclasses
 * inherit it. An invalid mode or creator is a TypeError when the class is defined.
 */
export function behavior(options: BehaviorOptions): <T extends Function>(cls: T) => T {
  if (typeof options === "function" || options === null || typeof options !== "object") {
    throw new TypeError('@behavior needs options: @behavior({ instanceMode: "single" | "session" | "percall" })');
  }
  const { instanceMode = "session", instanceCreator } = options;
  if (!MODES.includes(instanceMode)) {
    throw new TypeError(`invalid instance mode: ${JSON.stringify(instanceMode)} (expected "single", "session" or "percall")`);
  }
  if (instanceCreator !== undefined && typeof instanceCreator !== "function") throw new TypeError("instanceCreator must be a function");
  const recorded: Behavior = Object.freeze(instanceCreator ? { instanceMode, instanceCreator } : { instanceMode });
  return <T extends Function>(cls: T, ...rest: unknown[]): T => {
    refuseStandardDecorators("@behavior", rest[0]);
    if (typeof cls !== "function" || rest.length > 0) throw new TypeError("@behavior can only be used on a class");
    behaviors.set(cls, recorded);
    return cls;
  };
}

/** The behaviour of a class (or of an instance's class): its own `@behavior`, an inherited one, or the default. */
export function behaviorOf(target: object | Function): Behavior {
  const cls = typeof target === "function" ? target : (target as { constructor?: unknown }).constructor;
  // A subclass's constructor has its base class as prototype: the nearest @behavior up the chain wins.
  for (let c: unknown = cls; typeof c === "function"; c = Object.getPrototypeOf(c)) {
    const recorded = behaviors.get(c);
    if (recorded) return recorded;
  }
  return DEFAULT_BEHAVIOR;
}

/**
 * The exposed members of a class, or of an instance's class; empty when nothing is exposed.
 * Computed once per class and cached; see {@link resetExposedMembers}.
 */
export function exposedMembers(target: object | Function): ExposedMembers {
  const start: unknown = typeof target === "function" ? target.prototype : Object.getPrototypeOf(target);
  if (start === null || typeof start !== "object") return NOTHING_EXPOSED;
  let members = cache.get(start);
  if (members === undefined) {
    members = computeMembers(start);
    cache.set(start, members);
  }
  return members;
}

/** Forgets the cached members of a class, for members exposed after its first use. */
export function resetExposedMembers(target: object | Function): void {
  const start: unknown = typeof target === "function" ? target.prototype : Object.getPrototypeOf(target);
  if (start !== null && typeof start === "object") cache.delete(start);
}

/**
 * Returns when a client may `call` method `name`, or `get`/`set` attribute `name`; otherwise
 * throws `builtins.AttributeError` with Pyro4's text for the case. `instance`, when given, only
 * refines the refusal text (instance fields exist but are never exposed).
 */
export function resolveMember(members: ExposedMembers, name: string, kind: MemberAccess, instance?: object): void {
  const allowed = kind === "call" ? members.methods : kind === "get" ? members.readableAttrs : members.writableAttrs;
  if (allowed.has(name)) return;
  throw new PythonError("builtins.AttributeError", refusalText(members, String(name), kind, instance));
}

function refusalText(members: ExposedMembers, name: string, kind: MemberAccess, instance: object | undefined): string {
  // A dotted name is never an attribute in Python, whatever a JS class defines under it.
  const defined = !name.includes(".") && (members.definedNames.has(name) || JS_RESERVED_NAMES.has(name));
  if (kind !== "call") {
    return defined ? `attempt to access unexposed or unknown remote attribute '${name}'` : `type object '${members.className}' has no attribute '${name}'`;
  }
  if (isPrivateName(name)) return `attempt to access private attribute '${name}'`;
  if (defined || (instance !== undefined && !name.includes(".") && Object.hasOwn(instance, name))) return `attempt to access unexposed attribute '${name}'`;
  return `'${members.className}' object has no attribute '${name}'`;
}

function computeMembers(start: object | null): ExposedMembers {
  const sets = {
    methods: new Set<string>(),
    oneway: new Set<string>(),
    attrs: new Set<string>(),
    readableAttrs: new Set<string>(),
    writableAttrs: new Set<string>(),
    callbacks: new Set<string>(),
    idempotent: new Set<string>(),
  };
  const definedNames = new Set<string>();
  for (let proto = start; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      // The nearest definition decides, as attribute lookup does.
      if (definedNames.has(name)) continue;
      definedNames.add(name);
      const marks = memberMarks.get(proto)?.get(name);
      if (isPrivateName(name) || name.includes(".") || !marks?.has("exposed")) continue;
      const own = Object.getOwnPropertyDescriptor(proto, name)!;
      if (typeof own.value === "function") {
        sets.methods.add(name);
        if (marks.has("oneway")) sets.oneway.add(name);
        if (marks.has("callback")) sets.callbacks.add(name);
        if (marks.has("idempotent")) sets.idempotent.add(name);
      } else if (own.get || own.set) {
        sets.attrs.add(name);
        if (own.get) sets.readableAttrs.add(name);
        if (own.set) sets.writableAttrs.add(name);
      }
    }
  }
  return Object.freeze({ ...sets, definedNames, className: classNameOf(start) });
}

function classNameOf(proto: object | null): string {
  const ctor = proto === null ? undefined : Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof ctor === "function" && ctor.name ? ctor.name : "object";
}

function checkExposableName(name: string): void {
  if (name.includes(".")) throw new TypeError(`exposing dotted names is not allowed: '${name}'`);
  if (JS_RESERVED_NAMES.has(name)) throw new TypeError(`exposing '${name}' is not allowed: it is part of every JavaScript object`);
  if (isPrivateName(name)) throw new TypeError(`exposing private names (starting with _) is not allowed: '${name}'`);
}

/**
 * TypeScript without `experimentalDecorators` calls decorators the TC39 way, `(value, context)`,
 * where pyrots' decorators expect `(target, key, descriptor)`: say what to set instead of failing
 * on the odd arguments.
 */
function refuseStandardDecorators(decorator: string, key: unknown): void {
  if (typeof key !== "object" || key === null || !("kind" in key)) return;
  throw new TypeError(
    `${decorator} was called as a TC39 standard decorator: pyrots' decorators need TypeScript's legacy decorators. ` +
      `Set "experimentalDecorators": true and "emitDecoratorMetadata": true in the compilerOptions of your tsconfig.json ` +
      `(or, without decorators, call expose(MyClass) after the class)`,
  );
}

function memberName(decorator: string, target: object, key: string | symbol, descriptor: PropertyDescriptor | undefined): string {
  refuseStandardDecorators(decorator, key);
  const shown = String(key);
  if (typeof key === "symbol") throw new TypeError(`${decorator} on ${shown}: symbol-keyed members cannot be remote`);
  if (typeof target === "function") throw new TypeError(`${decorator} on static member '${key}': only instance members can be remote`);
  if (descriptor === undefined) throw new TypeError(`${decorator} on field '${key}': fields are never remote; use a get accessor`);
  return key;
}

function markMethod(decorator: string, mark: MemberMark, target: object, key: string | symbol, descriptor: PropertyDescriptor): void {
  const name = memberName(decorator, target, key, descriptor);
  if (typeof descriptor.value !== "function") throw new TypeError(`${decorator} on '${name}': only methods can be marked`);
  markMember(target, name, mark);
}

/** Records `mark` on member `name` as defined on `definer` (a prototype): marks belong to that definition. */
function markMember(definer: object, name: string, mark: MemberMark): void {
  let byName = memberMarks.get(definer);
  if (byName === undefined) memberMarks.set(definer, (byName = new Map()));
  let marks = byName.get(name);
  if (marks === undefined) byName.set(name, (marks = new Set()));
  marks.add(mark);
}
