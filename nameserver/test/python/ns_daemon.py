"""A Python Pyro4 daemon that registers itself with a name server, the usual way.

Usage: ns_daemon.py NS_HOST NS_PORT NAME. The daemon binds Pyro4's default host ("localhost"), so
its URI names a host name, as most Python daemons' do. Prints "registered URI", then serves until
its stdin closes or it gets SIGTERM.
"""
import signal
import sys
import threading

import Pyro4


@Pyro4.expose
class Greeter(object):
    def greet(self, name):
        return "hello " + name


def main():
    ns_host, ns_port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    daemon = Pyro4.Daemon()
    uri = daemon.register(Greeter())
    with Pyro4.locateNS(ns_host, ns_port) as ns:
        ns.register(name, uri)
    print("registered", uri, flush=True)

    def stop(*_):
        daemon.shutdown()

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    daemon.requestLoop()
    daemon.close()


if __name__ == "__main__":
    main()
