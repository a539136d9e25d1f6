/**
 * Which member names may ever be exposed: Pyro4's private-name rule plus the names JavaScript
 * gives special meaning (prototype plumbing and everything on `Object.prototype`).
 */

// Python dunders Pyro4 always treats as private, even though dunders in general may be exposed;
// `__getattr__`/`__setattr__` matter most: they are the wire's property pseudo-methods.
const PYTHON_PRIVATE_DUNDERS: ReadonlySet<string> = new Set([
  "__init__",
  "__init_subclass__",
  "__class__",
  "__module__",
  "__weakref__",
  "__call__",
  "__new__",
  "__del__",
  "__repr__",
  "__unicode__",
  "__str__",
  "__format__",
  "__nonzero__",
  "__bool__",
  "__coerce__",
  "__cmp__",
  "__eq__",
  "__ne__",
  "__hash__",
  "__ge__",
  "__gt__",
  "__le__",
  "__lt__",
  "__dir__",
  "__enter__",
  "__exit__",
  "__copy__",
  "__deepcopy__",
  "__sizeof__",
  "__getattr__",
  "__setattr__",
  "__hasattr__",
  "__getattribute__",
  "__delattr__",
  "__instancecheck__",
  "__subclasscheck__",
  "__getinitargs__",
  "__getnewargs__",
  "__getstate__",
  "__setstate__",
  "__reduce__",
  "__reduce_ex__",
  "__getstate_for_dict__",
  "__setstate_from_dict__",
  "__subclasshook__",
]);

/**
 * Names every JS object has or that reach its plumbing; the JavaScript counterpart of Pyro4's
 * private dunders. Computed from `Object.prototype` so engine additions are covered too.
 */
export const JS_RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "constructor", "prototype", "__proto__"]);

/**
 * Whether `name` is private: never exposable, refused with "attempt to access private attribute".
 * Pyro4's rule (a leading `_`, except dunders longer than four characters such as `__len__`, and
 * a fixed list of object-plumbing dunders) plus {@link JS_RESERVED_NAMES}.
 */
export function isPrivateName(name: string): boolean {
  if (JS_RESERVED_NAMES.has(name) || PYTHON_PRIVATE_DUNDERS.has(name)) return true;
  if (!name.startsWith("_")) return false;
  return !(name.length > 4 && name.startsWith("__") && name.endsWith("__"));
}
