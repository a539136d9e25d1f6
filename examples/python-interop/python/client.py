"""A Python Pyro4 client calling the pyrots worker (src/server.ts).

    /usr/bin/python3 python/client.py PYRO:example.ts.worker@127.0.0.1:PORT

Nothing to configure: pyrots daemons speak serpent, Pyro4's default serializer (PYRO_SERIALIZER
may pick msgpack or json all the same).
"""
import sys

import Pyro4


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 python/client.py PYRO:example.ts.worker@HOST:PORT")
    with Pyro4.Proxy(sys.argv[1]) as worker:
        print("runtime:", worker.runtime)
        print("greet:", worker.greet("Python"))
        print("stats:", worker.stats([3, 1, 4, 1, 5, 9, 2, 6]))
        print("word_count:", worker.wordCount("the quick fox jumps over the lazy dog the end"))
        print("countdown (a remote generator):", list(worker.countdown(5)))
        try:
            worker.checkedSqrt(-1)
        except ValueError as error:
            # A JS RangeError thrown in the pyrots worker arrives as Python's ValueError.
            print("checkedSqrt(-1) raised ValueError:", error)


if __name__ == "__main__":
    main()
