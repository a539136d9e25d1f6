"""A Python Pyro4 client for the interop suite (test/interop/python-client.test.ts).

Usage: client.py HOST:PORT   (serializer from PYRO_SERIALIZER; serpent when unset)

Runs every check against the objects a pyrots daemon hosts at HOST:PORT (interop.lab,
interop.single, interop.session, interop.percall) and prints one JSON line
{check: {"ok": true, "value": ...} | {"ok": false, "error": {...}}}. It asserts nothing itself:
the TypeScript side asserts each check, so a failure names the broken feature. Values are
reported as [type name, repr] so that NaN, bytes and big ints survive the trip into JSON.
"""
import json
import math
import sys

import Pyro4
import Pyro4.errors

LOCATION = sys.argv[1]

VALUES = [
    ("int63max", 2 ** 63 - 1),
    ("int63min", -2 ** 63),
    ("uint64max", 2 ** 64 - 1),
    ("int40", 2 ** 40),
    ("small", -5),
    ("zero", 0),
    ("float", 1.5),
    ("nan", float("nan")),
    ("inf", float("inf")),
    ("ninf", float("-inf")),
    ("str", u"h\u00e9llo \u2713"),
    ("empty_str", ""),
    ("list", [1, "two", [3.5]]),
    ("nested", {"a": {"b": [1, {"c": None}]}}),
    ("empty_map", {}),
    ("none", None),
    ("true", True),
    ("false", False),
    ("bytes", b"\x00\x01\xff"),
    ("tuple", (1, "a")),
    ("set", {"x"}),
]


def proxy(name):
    return Pyro4.Proxy("PYRO:interop.%s@%s" % (name, LOCATION))


def described(value):
    return [type(value).__name__, repr(value)]


def same(a, b):
    """Equal in value and exact type, recursively; NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return sorted(a) == sorted(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def error_info(error):
    cls = type(error)
    attrs = {k: repr(v) for k, v in sorted(vars(error).items()) if k != "_pyroTraceback"}
    return {
        "type": "%s.%s" % (cls.__module__, cls.__name__),
        "str": str(error),
        "attrs": attrs,
        "traceback": getattr(error, "_pyroTraceback", None),
    }


def json_safe(value):
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return {"described": described(value)}


def outcome(fn):
    try:
        return {"ok": True, "value": json_safe(fn())}
    except Exception as error:  # noqa: BLE001 - every failure is an observation
        return {"ok": False, "error": error_info(error)}


def roundtrip(lab, value):
    back = lab.echo(value)
    return {"back": described(back), "same": same(back, value)}


def counts(name):
    """incr() twice on one proxy, then once on a second proxy (a second connection)."""
    with proxy(name) as first, proxy(name) as second:
        return [first.incr(), first.incr(), second.incr()]


def class_dict_then_fresh_proxy():
    with proxy("lab") as fresh:
        return fresh.echo("still serving")


def main():
    results = {}
    lab = proxy("lab")

    def check(name, fn):
        results[name] = outcome(fn)

    for name, value in VALUES:
        check("roundtrip." + name, lambda value=value: roundtrip(lab, value))
        check("kind." + name, lambda value=value: lab.kind(value))
    check("values", lambda: {k: described(v) for k, v in lab.values().items()})
    check("bytes_value", lambda: described(lab.bytesValue()))

    check("metadata", lambda: (lab._pyroBind(), {
        "methods": sorted(lab._pyroMethods), "oneway": sorted(lab._pyroOneway), "attrs": sorted(lab._pyroAttrs)})[1])
    check("property.initial", lambda: lab.value)
    check("property.set", lambda: setattr(lab, "value", {"set": [1, 2]}))
    check("property.after_set", lambda: lab.value)
    check("property.readonly_set", lambda: lab._pyroInvoke("__setattr__", ("readonly", 1), None))
    check("property.private_get", lambda: lab._pyroInvoke("__getattr__", ("_value",), None))

    check("oneway.effect", lambda: (lab.fire("token-1"), lab.fired())[1])
    check("oneway.no_wait", lambda: (lab.block("released"), lab.unblock())[1])

    check("kwargs", lambda: lab.greet("Ann", punctuation="?"))
    check("kwargs.unknown", lambda: lab.greet("Ann", colour="red"))
    check("arity", lambda: lab.echo(1, 2))

    check("error.value", lambda: lab.failValue("bad value"))
    check("error.type", lambda: lab.failType())
    check("error.range", lambda: lab.failRange())
    check("error.plain", lambda: lab.failPlain())
    check("error.attrs", lambda: lab.failAttrs())
    check("error.naming", lambda: lab.failNaming("no such name"))

    check("unsendable.function", lambda: lab.returnsFunction())
    check("unsendable.circular", lambda: lab.returnsCircular())
    check("unsendable.still_serving", lambda: lab.echo("still serving"))

    check("refused.private", lambda: lab._pyroInvoke("_private", (), {}))
    check("refused.unexposed", lambda: lab._pyroInvoke("hidden", (), {}))
    check("refused.unknown", lambda: lab._pyroInvoke("nosuch", (), {}))
    for name in ("constructor", "__proto__", "toString", "hasOwnProperty"):
        check("refused." + name, lambda name=name: lab._pyroInvoke(name, (), {}))
    check("refused.client_side", lambda: lab.nosuch())

    for mode in ("single", "session", "percall"):
        check("mode." + mode, lambda mode=mode: counts(mode))

    with proxy("lab") as victim:
        check("class_dict", lambda: victim.echo({"__class__": "foo.Bar", "x": 1}))
    check("class_dict.daemon_still_serves", class_dict_then_fresh_proxy)
    check("unknown_object", lambda: proxy("nosuch")._pyroBind())

    lab._pyroRelease()
    print(json.dumps(results, allow_nan=False))


if __name__ == "__main__":
    main()
