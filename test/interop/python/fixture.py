"""What the interop suites' Python daemons share: announce the objects, then serve until told to stop.

A daemon script calls serve(daemon, {name: object_or_class}). The script's own folder is on
sys.path, so `from fixture import serve` works when it runs as `python3 test/interop/python/X.py`.
"""
import signal
import sys
import threading


def serve(daemon, objects, prefix="interop."):
    """Registers each object as PREFIX + name, prints "uri: NAME URI" per object and then "ready",
    and serves until SIGTERM or until stdin closes (so the daemon never outlives the test run)."""
    for name, obj in objects.items():
        print("uri: %s %s" % (name, daemon.register(obj, prefix + name)))
    serve_until_stopped(daemon)


def serve_until_stopped(daemon):
    """Prints "ready", then serves until SIGTERM or until stdin closes, and closes the daemon."""
    print("ready")
    sys.stdout.flush()

    def stop(*_):
        threading.Thread(target=daemon.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)

    def watch_stdin():
        sys.stdin.read()
        stop()

    threading.Thread(target=watch_stdin, daemon=True).start()
    daemon.requestLoop()
    daemon.close()
