/**
 * The objects a daemon serves, by id, and how each one gets its instance: one for all
 * (`single`, or a registered instance), one per connection (`session`), or one per call (`percall`).
 */
import { randomUUID } from "node:crypto";
import { DaemonError } from "../errors.js";
import { type ExposedMembers, type InstanceMode, behaviorOf, exposedMembers } from "../decorators.js";
import { AUTOPROXY, type ProxyRef } from "../serializers/classes.js";

/** Gives the reference a registered object is sent as (Pyro's autoproxy); undefined = off. */
export type RefFactory = ((objectId: string) => ProxyRef) | undefined;

/**
 * What a handshake with metadata and `get_metadata` tell about an object: Pyro4's three lists,
 * plus pyrots' own keys (Pyro4 clients read only the three and ignore the rest): the methods
 * marked `@idempotent` (when there are any) and the instance mode of a registered class.
 */
export interface ObjectMetadata {
  methods: string[];
  oneway: string[];
  attrs: string[];
  idempotent?: string[];
  instance_mode?: InstanceMode;
}

/** A class whose instances the daemon creates itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServedClass = new (...args: any[]) => object;

/** One registered object. */
export class RegisteredObject {
  /** The shared instance: the registered instance itself, or the lazily created `single` one. */
  private shared: object | undefined;

  constructor(
    readonly id: string,
    /** The registered class, or undefined when an instance was registered. */
    readonly servedClass: ServedClass | undefined,
    instance: object | undefined,
    readonly members: ExposedMembers,
    readonly mode: InstanceMode,
    private readonly creator: ((cls: ServedClass) => object) | undefined,
    private readonly refs: RefFactory,
  ) {
    this.shared = instance;
    if (instance !== undefined) this.mark(instance);
  }

  /** The registered instance or class, as passed to `register`. */
  get target(): object {
    return this.servedClass ?? this.shared!;
  }

  /**
   * The instance that serves a call arriving on a connection whose session instances `owner`
   * keeps (read only for `session` mode: most connections never need the map).
   */
  instanceFor(owner: { readonly instances: Map<RegisteredObject, object> }): object {
    if (this.servedClass === undefined || this.mode === "single") return (this.shared ??= this.create());
    if (this.mode === "percall") return this.create();
    const sessions = owner.instances;
    let instance = sessions.get(this);
    if (instance === undefined) {
      instance = this.create();
      sessions.set(this, instance);
    }
    return instance;
  }

  private create(): object {
    const cls = this.servedClass!;
    const instance = this.creator ? this.creator(cls) : new cls();
    if (!(instance instanceof cls)) {
      throw new DaemonError(`instanceCreator for ${cls.name} must return an instance of ${cls.name}`);
    }
    this.mark(instance);
    return instance;
  }

  /** Makes serializers send `instance` as a proxy to this object (Pyro's autoproxy). */
  private mark(instance: object): void {
    const refs = this.refs;
    if (refs === undefined || !Object.isExtensible(instance)) return;
    const id = this.id;
    Object.defineProperty(instance, AUTOPROXY, { value: () => refs(id), configurable: true, enumerable: false, writable: true });
  }

  /** Removes the autoproxy mark from the shared instance (on unregister). */
  unmark(): void {
    if (this.shared !== undefined && Object.hasOwn(this.shared, AUTOPROXY)) delete (this.shared as Record<symbol, unknown>)[AUTOPROXY];
  }
}

/** Objects by id. */
export class ObjectRegistry {
  readonly byId = new Map<string, RegisteredObject>();

  constructor(private readonly refs: RefFactory) {}

  private readonly idsByTarget = new WeakMap<object, string>();

  /** Registers a class or an instance; returns its id. */
  register(target: object, id: string | undefined, force: boolean): RegisteredObject {
    if (target === null || (typeof target !== "object" && typeof target !== "function")) {
      throw new TypeError(`register() needs a class or an object, got ${target === null ? "null" : typeof target}`);
    }
    const objectId = id ?? `obj_${randomUUID().replaceAll("-", "")}`;
    if (typeof objectId !== "string" || objectId.length === 0) throw new TypeError("object id must be a non-empty string");
    const existingId = this.idsByTarget.get(target);
    if (!force) {
      if (existingId !== undefined && this.byId.get(existingId)?.target === target) {
        throw new DaemonError(`object or class already registered as ${JSON.stringify(existingId)}`);
      }
      if (this.byId.has(objectId)) throw new DaemonError(`an object or class is already registered with that id: ${JSON.stringify(objectId)}`);
    } else {
      if (existingId !== undefined && existingId !== objectId) this.unregister(existingId);
      if (this.byId.has(objectId)) this.unregister(objectId);
    }
    const isClass = typeof target === "function";
    const { instanceMode, instanceCreator } = isClass ? behaviorOf(target) : { instanceMode: "single" as const, instanceCreator: undefined };
    const entry = new RegisteredObject(
      objectId,
      isClass ? (target as ServedClass) : undefined,
      isClass ? undefined : target,
      exposedMembers(target),
      instanceMode,
      instanceCreator as ((cls: ServedClass) => object) | undefined,
      this.refs,
    );
    this.byId.set(objectId, entry);
    this.idsByTarget.set(target, objectId);
    return entry;
  }

  /** Removes an object by id, class or instance; returns whether something was removed. */
  unregister(targetOrId: object | string): boolean {
    const id = typeof targetOrId === "string" ? targetOrId : this.idsByTarget.get(targetOrId);
    if (id === undefined) return false;
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    this.idsByTarget.delete(entry.target);
    entry.unmark();
    return true;
  }

  /** Exposed methods, oneway methods and attributes of a registered object; DaemonError("unknown object") otherwise. */
  metadataOf(objectId: unknown): ObjectMetadata {
    const entry = typeof objectId === "string" ? this.byId.get(objectId) : undefined;
    if (!entry) throw new DaemonError("unknown object");
    const { methods, oneway, attrs, idempotent } = entry.members;
    const metadata: ObjectMetadata = { methods: [...methods], oneway: [...oneway], attrs: [...attrs] };
    if (idempotent.size > 0) metadata.idempotent = [...idempotent];
    // Pool proxies pin a client to one worker for session-mode objects (their state lives per connection).
    if (entry.servedClass !== undefined) metadata.instance_mode = entry.mode;
    return metadata;
  }

  /** The id a class or instance is registered under, if any. */
  idOf(target: object): string | undefined {
    const id = this.idsByTarget.get(target);
    return id !== undefined && this.byId.get(id)?.target === target ? id : undefined;
  }
}
