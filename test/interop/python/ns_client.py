"""Python Pyro4 at its defaults against a pyrots name server (test/interop/python-nameserver.test.ts).

Usage: ns_client.py HOST PORT   (run with no PYRO_* variables: serpent, Pyro4's default)

Finds the name server with Pyro4.locateNS(HOST, PORT) (a direct connection, no broadcast), uses
its whole API with Python's own types (metadata as sets), and calls the pyrots object registered
as "defaults.greeter" (metadata "greeting") through PYRONAME: and PYROMETA: URIs. Prints one JSON
line {check: {"ok": true, "value": ...} | {"ok": false, "error": {...}}}; the TypeScript side
asserts each check.
"""
import json
import sys

import Pyro4
import Pyro4.errors

HOST, PORT = sys.argv[1], int(sys.argv[2])
THING = "PYRO:thing@127.0.0.1:1234"


def outcome(fn):
    try:
        return {"ok": True, "value": fn()}
    except Exception as error:  # noqa: BLE001 - every failure is an observation
        cls = type(error)
        return {"ok": False, "error": {"type": "%s.%s" % (cls.__module__, cls.__name__), "str": str(error)}}


def main():
    results = {}

    def check(name, fn):
        results[name] = outcome(fn)

    check("serializer", lambda: Pyro4.config.SERIALIZER)
    ns = Pyro4.locateNS(HOST, PORT)
    with ns:
        check("ping", lambda: ns.ping())
        check("list", lambda: sorted(ns.list().items()))
        check("lookup", lambda: [type(ns.lookup("defaults.greeter")).__name__, str(ns.lookup("defaults.greeter"))])
        check("lookup_meta", lambda: (lambda uri, meta: [str(uri), type(meta).__name__, sorted(meta)])(*ns.lookup("defaults.greeter", return_metadata=True)))
        check("register", lambda: ns.register("py.thing", THING, metadata={"alpha", "beta"}))
        check("list_prefix", lambda: sorted(ns.list(prefix="py.")))
        check("list_regex", lambda: sorted(ns.list(regex=r"py\..*")))
        check("list_meta_all", lambda: sorted(ns.list(metadata_all={"alpha", "beta"})))
        check("list_meta_any", lambda: sorted(ns.list(metadata_any={"beta", "nothing"})))
        check("list_return_metadata", lambda: {k: [v[0], sorted(v[1])] for k, v in ns.list(prefix="py.", return_metadata=True).items()})
        check("yplookup", lambda: sorted(ns.yplookup(meta_all={"alpha"}, return_metadata=False)))
        if getattr(Pyro4, "PYRO5", False):
            # Pyro5's list(prefix, regex, return_metadata), positionally.
            check("list_positional_pyro5", lambda: {k: [v[0], sorted(v[1])] for k, v in ns.list("py.", None, True).items()})
        check("set_metadata", lambda: (ns.set_metadata("py.thing", {"gamma"}), sorted(ns.lookup("py.thing", return_metadata=True)[1]))[1])
        check("register_unsafe_twice", lambda: ns.register("py.thing", "PYRO:other@127.0.0.1:1", safe=True))
        check("remove", lambda: [ns.remove("py.thing"), ns.remove("py.thing")])
        check("lookup_missing", lambda: ns.lookup("py.thing"))
        check("metadata_str_refused", lambda: ns.register("py.bad", THING, metadata="not-a-set"))
    with Pyro4.Proxy("PYRONAME:defaults.greeter@%s:%d" % (HOST, PORT)) as greeter:
        check("pyroname_call", lambda: greeter.hello("python"))
    with Pyro4.Proxy("PYROMETA:greeting@%s:%d" % (HOST, PORT)) as greeter:
        check("pyrometa_call", lambda: greeter.hello("meta"))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
