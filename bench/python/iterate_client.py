"""Section j's Python client: `iterate_client.py --port N --items N --seconds S`. Iterates the bench
object's `items(n)` generator (Pyro4 fetches one item per round trip), checking each item, until it
ends or S seconds have passed, then prints `RESULT {"items": k, "seconds": s}`."""
import argparse
import json
import time

import Pyro4


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    with Pyro4.Proxy("PYRO:bench@127.0.0.1:%d" % args.port) as proxy:
        proxy._pyroBind()
        count = 0
        started = time.perf_counter()
        for item in proxy.items(args.items):
            if item != count:
                raise SystemExit("item %d is %r" % (count, item))
            count += 1
            if count % 256 == 0 and time.perf_counter() - started > args.seconds:
                break
        seconds = time.perf_counter() - started
    print("RESULT " + json.dumps({"items": count, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
