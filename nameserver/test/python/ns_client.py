"""Exercises a name server (host, port from argv) with Python Pyro4; prints one JSON line of results."""
import json
import sys
import threading

import Pyro4
import Pyro4.errors


@Pyro4.expose
class Greeter(object):
    def greet(self, name):
        return "hello " + name


def failure(call):
    try:
        call()
    except Exception as error:
        return [type(error).__name__, str(error)]
    return None


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    ns = Pyro4.locateNS(host, port)
    out = {"ns_uri": str(ns._pyroUri)}
    out["ping"] = ns.ping()
    out["count0"] = ns.count()
    ns.register("py.obj", "PYRO:calc@127.0.0.1:1234", metadata={"tag1", "tag2"})
    ns.register("py.uri", Pyro4.URI("PYRO:u@127.0.0.1:5"))
    ns.register("py.safe", "PYRO:s@127.0.0.1:6", safe=True)
    uri = ns.lookup("py.obj")
    out["lookup"] = [type(uri).__name__, str(uri)]
    uri, meta = ns.lookup("py.obj", return_metadata=True)
    out["lookup_meta"] = [str(uri), sorted(meta)]
    out["self"] = sorted(ns.lookup(Pyro4.constants.NAMESERVER_NAME, return_metadata=True)[1])
    out["list_all"] = sorted(ns.list())
    out["list_prefix"] = ns.list(prefix="py.")
    out["list_regex"] = ns.list(regex=r"py\.(obj|uri)$")
    out["list_meta_all"] = sorted(ns.list(metadata_all={"tag1", "tag2"}))
    out["list_meta_any"] = sorted(ns.list(metadata_any={"tag2", "zzz"}))
    out["list_with_meta"] = {k: [v[0], sorted(v[1])] for k, v in ns.list(prefix="py.", return_metadata=True).items()}
    out["err_safe"] = failure(lambda: ns.register("py.safe", "PYRO:s@127.0.0.1:7", safe=True))
    out["err_unknown"] = failure(lambda: ns.lookup("py.none"))
    out["err_regex"] = failure(lambda: ns.list(regex="("))
    out["err_two"] = failure(lambda: ns.list(prefix="a", regex="b"))
    out["err_strmeta"] = failure(lambda: ns.register("py.x", "PYRO:x@127.0.0.1:1", metadata="abc"))
    out["err_baduri"] = failure(lambda: ns.register("py.x", "PYRO:nolocation"))
    out["err_setmeta"] = failure(lambda: ns.set_metadata("py.none", {"a"}))
    ns.set_metadata("py.obj", {"x", "y"})
    out["after_setmeta"] = sorted(ns.lookup("py.obj", return_metadata=True)[1])
    if "yplookup" in ns._pyroMethods:
        out["yplookup"] = {k: [v[0], sorted(v[1])] for k, v in ns.yplookup(meta_all=["x"]).items()}

    daemon = Pyro4.Daemon(host="127.0.0.1")
    ns.register("py.greeter", daemon.register(Greeter()), metadata={"role:greeter"})
    thread = threading.Thread(target=daemon.requestLoop, daemon=True)
    thread.start()
    with Pyro4.Proxy("PYRONAME:py.greeter@%s:%d" % (host, port)) as greeter:
        out["pyroname"] = greeter.greet("pyrots")
    with Pyro4.Proxy("PYROMETA:role:greeter@%s:%d" % (host, port)) as greeter:
        out["pyrometa"] = greeter.greet("meta")
    daemon.shutdown()

    out["remove"] = ns.remove("py.uri")
    out["remove_missing"] = ns.remove("py.uri")
    out["remove_self"] = ns.remove(Pyro4.constants.NAMESERVER_NAME)
    out["remove_regex"] = ns.remove(regex=r"py\.s")
    out["remove_prefix"] = ns.remove(prefix="py.")
    out["count_end"] = ns.count()
    print(json.dumps(out))


main()
