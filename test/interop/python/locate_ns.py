"""Python Pyro4's locateNS() for the discovery interop test (test/integration/discovery.test.ts).

Usage: locate_ns.py   (BROADCAST_ADDRS, NS_BCPORT, SERIALIZER from PYRO_* variables)

Runs inside a private network namespace. Prints one JSON line:
{"ok": true, "uri": ..., "lookup": ..., "count": n} or {"ok": false, "error": "Type: message"}.
"""
import json

import Pyro4

try:
    ns = Pyro4.locateNS()
    with ns:
        result = {"ok": True, "uri": str(ns._pyroUri), "lookup": str(ns.lookup("Pyro.NameServer")), "count": ns.count()}
except Exception as error:  # reported, asserted by the TypeScript side
    result = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
print(json.dumps(result))
