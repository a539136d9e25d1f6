"""Python Pyro4 bench client: `client.py --workload a --port N --warmup MS --window MS --windows N`.

Runs one workload the way a Pyro4 user would (threads with a proxy each for concurrency,
Pyro4.batch for batches), checks every result, and prints one `RESULT {json}` line; exits 1 with
the reason on stderr if a result is wrong. Mirrors ../src/jobs.ts and ../src/driver.ts."""
import argparse
import json
import os
import struct
import sys
import threading
import time

if os.environ.get("BENCH_PYRO") == "5":
    # Pyro5 through its own Pyro4 API (the calls this program makes exist in both), at its
    # defaults; BENCH_SERIALIZER picks a client's serializer in code (Pyro5 daemons accept all).
    import Pyro5.api
    from Pyro5.compatibility import Pyro4

    if os.environ.get("BENCH_SERIALIZER"):
        Pyro5.api.config.SERIALIZER = os.environ["BENCH_SERIALIZER"]
else:
    import Pyro4

IN_FLIGHT = 64
CONNECTIONS = 50
BATCH_SIZE = 100
ONEWAY_CHUNK = 1000
ECHO_BYTES = 1024 * 1024
ECHO_STRIDE = 4093
NS_NAME = "bench.target"
NS_URI = "PYRO:bench.target@127.0.0.1:9999"
NS_REGISTER_PREFIX = "bench.reg."
NS_REGISTER_NAMES = 1000


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def add_step(proxy, i):
    check(proxy.add(i, 1) == i + 1, "add(%d, 1) is wrong" % i)
    return 1


def prepare(workload, port):
    """Returns (workers, step(worker, iteration) -> ops, finish(), proxies)."""
    uri = "PYRO:bench@127.0.0.1:%d" % port
    if workload in ("a", "b"):
        proxy = Pyro4.Proxy(uri)
        return 1, lambda w, k: add_step(proxy, k), None, [proxy]
    if workload in ("c", "e"):
        # Pyro4 proxies carry one call at a time, and its async proxies open a new connection per
        # call; a thread with its own proxy per concurrent caller is the fast way.
        count = IN_FLIGHT if workload == "c" else CONNECTIONS
        proxies = [Pyro4.Proxy(uri) for _ in range(count)]
        return count, lambda w, k: add_step(proxies[w], w * 1000000 + k), None, proxies
    if workload == "d":
        proxy = Pyro4.Proxy(uri)
        payload = bytearray(os.urandom(ECHO_BYTES))

        def echo(w, k):
            struct.pack_into("<I", payload, 0, k & 0xFFFFFFFF)
            sent = bytes(payload)
            reply = proxy.echo(sent)
            check(len(reply) == ECHO_BYTES, "echo returned %d bytes" % len(reply))
            check(reply[:4] == sent[:4] and reply[4::ECHO_STRIDE] == sent[4::ECHO_STRIDE] and reply[-1] == sent[-1], "echo differs")
            return 1

        return 1, echo, None, [proxy]
    if workload == "f":
        return oneway(Pyro4.Proxy(uri))
    if workload == "g":
        proxy = Pyro4.Proxy(uri)

        def run_batch(w, k):
            start = (k % 1000000) * BATCH_SIZE
            b = Pyro4.batch(proxy)
            for j in range(BATCH_SIZE):
                b.add(start + j, 1)
            results = list(b())
            check(results == [start + j + 1 for j in range(BATCH_SIZE)], "batch results are wrong")
            return BATCH_SIZE

        return 1, run_batch, None, [proxy]
    if workload == "h":
        ns = Pyro4.Proxy("PYRO:Pyro.NameServer@127.0.0.1:%d" % port)
        ns.register(NS_NAME, NS_URI)

        def lookup(w, k):
            check(str(ns.lookup(NS_NAME)) == NS_URI, "lookup is wrong")
            return 1

        return 1, lookup, None, [ns]
    if workload == "i":
        ns = Pyro4.Proxy("PYRO:Pyro.NameServer@127.0.0.1:%d" % port)
        last = {}

        def register(w, k):
            name, uri = "%s%d" % (NS_REGISTER_PREFIX, k % NS_REGISTER_NAMES), "PYRO:reg%d@127.0.0.1:9999" % k
            ns.register(name, uri)
            last["entry"] = (name, uri)
            return 1

        def finish():
            name, uri = last["entry"]
            check(str(ns.lookup(name)) == uri, "the last registration does not resolve")

        return 1, register, finish, [ns]
    raise SystemExit("unknown workload " + workload)


def oneway(proxy):
    """Oneway calls in chunks, each followed by stats(): the server's count is what counts as done."""
    state = {"sent": 0, "sum": 0, "processed": 0}

    def step(w, k):
        for _ in range(ONEWAY_CHUNK):
            proxy.notify(state["sent"])
            state["sum"] += state["sent"]
            state["sent"] += 1
        count = proxy.stats()[0]
        progress = count - state["processed"]
        state["processed"] = count
        return progress

    def finish():
        deadline = time.time() + 10
        while True:
            count, total = proxy.stats()
            if count == state["sent"]:
                check(total == state["sum"], "oneway sum %d, expected %d" % (total, state["sum"]))
                return
            check(count < state["sent"] and time.time() < deadline, "server ran %d of %d oneway calls" % (count, state["sent"]))
            time.sleep(0.01)

    return 1, step, finish, [proxy]


def measure(workers, step, timing, latency, proxies):
    done = [0] * workers
    state = {"stop": False, "recording": False, "failure": None}
    samples = []

    def loop(w):
        k = 0
        if hasattr(Pyro4.Proxy, "_pyroClaimOwnership"):
            # A Pyro5 proxy belongs to the thread that made it: this worker's ones move here.
            for proxy in proxies[w:w + 1] if len(proxies) == workers else proxies:
                proxy._pyroClaimOwnership()
        try:
            while not state["stop"]:
                started = time.perf_counter()
                done[w] += step(w, k)
                if latency and state["recording"]:
                    samples.append(time.perf_counter() - started)
                k += 1
        except Exception as error:  # any failure ends the run
            state["failure"] = state["failure"] or error
            state["stop"] = True

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in range(workers)]
    for t in threads:
        t.start()
    rates = []
    time.sleep(timing["warmup"] / 1000)
    state["recording"] = True
    print("MEASURING %.6f" % time.process_time(), flush=True)  # the bench samples CPU times from here ...
    start, at_start = time.perf_counter(), sum(done)
    for _ in range(timing["windows"]):
        if state["failure"]:
            break
        time.sleep(timing["window"] / 1000)
        now, total = time.perf_counter(), sum(done)
        rates.append((total - at_start) / (now - start))
        start, at_start = now, total
    print("MEASURED %.6f" % time.process_time(), flush=True)  # ... to here
    state["stop"] = True
    for t in threads:
        t.join()
    if state["failure"]:
        raise state["failure"]
    result = {"rates": rates, "checked": sum(done)}
    if samples:
        samples.sort()
        result["p50Us"] = samples[len(samples) // 2] * 1e6
        result["p99Us"] = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1e6
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=5)
    args = parser.parse_args()
    timing = {"warmup": args.warmup, "window": args.window, "windows": args.windows}
    # A client that hangs must not hold up the run.
    limit = (args.warmup + args.window * args.windows) / 1000 + 30
    threading.Timer(limit, lambda: (sys.stderr.write("client: out of time\n"), os._exit(3))).start()
    try:
        workers, step, finish, proxies = prepare(args.workload, args.port)
        result = measure(workers, step, timing, latency=args.workload in ("a", "b", "i"), proxies=proxies)
        if finish:
            finish()
        for p in proxies:
            if hasattr(p, "_pyroClaimOwnership"):
                p._pyroClaimOwnership()
            p._pyroRelease()
    except Failure as failure:
        sys.stderr.write("check failed: %s\n" % failure)
        os._exit(1)
    print("RESULT " + json.dumps(result), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
