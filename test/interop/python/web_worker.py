"""A Python Pyro4 worker for the HTTP gateway suite (test/web/gateway-python.test.ts).

Serves on 127.0.0.1 (a free port) and registers itself as example.thermo in the name server at
127.0.0.1:PORT (the first argument). The daemon keeps Pyro4's default accepted serializers, so the
gateway reaches it with json, as a stock Pyro4 program expects; only the name server proxy speaks
json too (PYRO_SERIALIZER=json from the environment). Prints "uri: thermo PYRO:..." and "ready",
and serves until SIGTERM or until its stdin closes.
"""
import sys

import Pyro4
import Pyro4.errors

from fixture import serve_until_stopped


@Pyro4.expose
class Thermo(object):
    def __init__(self):
        self.lines = []

    def add(self, a, b):
        return a + b

    def greet(self, name, punctuation="!"):
        return "hello " + name + punctuation

    def divide(self, a, b):
        return a / b

    def countdown(self, n):
        n = int(n)
        while n > 0:
            yield n
            n -= 1

    def describe(self, value):
        return {"type": type(value).__name__, "value": value}

    def lookup_failure(self):
        raise Pyro4.errors.NamingError("no such sensor")

    @property
    def unit(self):
        return "celsius"

    @Pyro4.oneway
    def log(self, line):
        self.lines.append(line)

    def logged(self):
        return self.lines


def main():
    ns_port = int(sys.argv[1])
    daemon = Pyro4.Daemon(host="127.0.0.1", port=0)
    uri = daemon.register(Thermo(), "thermo")
    with Pyro4.locateNS(host="127.0.0.1", port=ns_port) as ns:
        ns.register("example.thermo", uri, metadata={"python", "sensor"})
    print("uri: thermo %s" % uri)
    serve_until_stopped(daemon)


if __name__ == "__main__":
    main()
