"""Python Pyro4 bench server: `server.py`. Hosts the bench object as `bench` on 127.0.0.1, prints
`READY <port>`, and serves until signalled (Pyro4's default thread server; see ../README.md)."""
import os
import sys
import threading

if os.environ.get("BENCH_PYRO") == "5":
    # Pyro5 through its own Pyro4 API (the calls this program makes exist in both), at its
    # defaults; BENCH_SERIALIZER picks a client's serializer in code (Pyro5 daemons accept all).
    import Pyro5.api
    from Pyro5.compatibility import Pyro4

    if os.environ.get("BENCH_SERIALIZER"):
        Pyro5.api.config.SERIALIZER = os.environ["BENCH_SERIALIZER"]
else:
    import Pyro4


@Pyro4.expose
@Pyro4.behavior(instance_mode="single")
class Bench(object):
    """The same methods as the Node bench servers; one instance serves every connection."""

    def __init__(self):
        self.count = 0
        self.total = 0
        # Pyro4 runs each oneway call in its own thread by default, so the counter needs a lock.
        self.lock = threading.Lock()

    def add(self, a, b):
        return a + b

    def echo(self, data):
        return data

    @Pyro4.oneway
    def notify(self, i):
        with self.lock:
            self.count += 1
            self.total += i

    def stats(self):
        with self.lock:
            return [self.count, self.total]

    def items(self, n):
        """Section j: `n` small items, streamed to the client as a remote iterator."""
        for i in range(n):
            yield i


def main():
    # BENCH_PORT: a port chosen by the caller (section m times the start-up up to the first answer).
    daemon = Pyro4.Daemon(host="127.0.0.1", port=int(os.environ.get("BENCH_PORT", "0")))
    uri = daemon.register(Bench, "bench")
    print("READY %d" % uri.port, flush=True)
    # Stop when the parent goes away (stdin closes), as the Node servers do.
    threading.Thread(target=lambda: (sys.stdin.read(), daemon.shutdown()), daemon=True).start()
    daemon.requestLoop()


if __name__ == "__main__":
    main()
