"""A Python Pyro4 worker that pyrots clients call.

    /usr/bin/python3 python/worker.py

Runs at Pyro4's defaults: its daemon accepts serpent, json and marshal, and the pyrots client
(src/client.ts) uses serpent. (A pyrots proxy left on its default, msgpack, needs
PYRO_SERIALIZERS_ACCEPTED=serpent,json,marshal,msgpack here.) Serves on 127.0.0.1 (a free port,
or the one given with --port) and prints "python worker uri: PYRO:..." once ready.
"""
import argparse
import platform
import signal

import Pyro4


@Pyro4.expose
@Pyro4.behavior(instance_mode="single")
class PythonWorker(object):
    """Number crunching the Python way."""

    @property
    def version(self):
        return "Python %s, Pyro4 %s" % (platform.python_version(), Pyro4.__version__)

    def factorize(self, n):
        factors, d = [], 2
        while d * d <= n:
            while n % d == 0:
                factors.append(d)
                n //= d
            d += 1
        if n > 1:
            factors.append(n)
        return factors

    def word_lengths(self, words):
        return {word: len(word) for word in words}

    def divide(self, a, b):
        return a / b  # b == 0 raises ZeroDivisionError, which the caller receives

    def squares(self, n):
        for i in range(n):
            yield i * i


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    daemon = Pyro4.Daemon(host="127.0.0.1", port=args.port)
    uri = daemon.register(PythonWorker(), "example.python.worker")
    print("python worker uri: %s" % uri, flush=True)
    # SIGTERM ends the request loop right away, as Ctrl-C does (daemon.shutdown() would wait
    # for the loop's next poll).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        daemon.requestLoop()
    except KeyboardInterrupt:
        pass
    finally:
        daemon.close()


if __name__ == "__main__":
    main()
