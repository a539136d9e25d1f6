"""A Python Pyro4 daemon for the issue-4 interop suites (streaming, batches, autoproxy, callbacks,
call context): test/interop/{streaming-batch,callbacks,call-context}.test.ts.

Serves on 127.0.0.1, a free port. Prints one line "uri: NAME PYRO:..." per object, then "ready",
and serves until it gets SIGTERM or its stdin closes (so it never outlives the test run).
Serializer settings come from the environment: msgpack must be in PYRO_SERIALIZERS_ACCEPTED;
serpent (the default) needs no settings at all.
"""
import threading

import Pyro4
from Pyro4 import current_context

from fixture import serve

WAIT_SECONDS = 5.0


class Finished(object):
    """Labels of generators whose `finally` ran, so a caller can see its early close arrive."""

    def __init__(self):
        self._labels = []
        self._changed = threading.Condition()

    def add(self, label):
        with self._changed:
            self._labels.append(label)
            self._changed.notify_all()

    def wait_for(self, label):
        with self._changed:
            return self._changed.wait_for(lambda: label in self._labels, WAIT_SECONDS)


FINISHED = Finished()


@Pyro4.expose
@Pyro4.behavior(instance_mode="single")
class Streams(object):
    def count(self, n, label):
        try:
            for i in range(n):
                yield i
        finally:
            FINISHED.add(label)

    def failing(self):
        yield 1
        yield 2
        raise ValueError("broken at 3")

    def finished(self, label):
        """True once count(..., label) has finished (exhausted or closed), waiting a few seconds."""
        return FINISHED.wait_for(label)


@Pyro4.expose
@Pyro4.behavior(instance_mode="single")
class Counter(object):
    def __init__(self):
        self.value = 0

    def inc(self, by):
        self.value += by
        return self.value

    def fail(self, text):
        raise ValueError(text)

    def current(self):
        return self.value


@Pyro4.expose
class Item(object):
    def __init__(self, name):
        self.name = name

    def label(self):
        return "item " + self.name


@Pyro4.expose
class Factory(object):
    """Returns registered objects (autoproxy) and calls back the listeners it is given."""

    def __init__(self, daemon):
        self._daemon = daemon

    def create(self, name):
        item = Item(name)
        self._daemon.register(item)
        return item

    def notify_me(self, listener, text):
        try:
            listener.notify(text)
            listener.later(text + " (oneway)")
            return ["notified", type(listener).__module__ + "." + type(listener).__name__]
        finally:
            listener._pyroRelease()

    def provoke(self, listener):
        try:
            listener.fail()
            return "no error"
        except Exception as error:  # noqa: BLE001 - the caught class is the observation
            return "caught %s.%s: %s" % (type(error).__module__, type(error).__name__, error)
        finally:
            listener._pyroRelease()


@Pyro4.expose
class Inspector(object):
    def who_am_i(self):
        """What the daemon saw of the call; sets a response annotation RPLY."""
        annotations = current_context.annotations
        current_context.response_annotations["RPLY"] = b"from python"
        return {
            "correlation": str(current_context.correlation_id),
            "annotations": {k: bytes(v).decode("latin-1") for k, v in annotations.items() if k != "CORR"},
            "corr_annotation": bytes(annotations["CORR"]).hex() if "CORR" in annotations else None,
        }


def main():
    assert Pyro4.config.ITER_STREAMING, "the streaming suites need ITER_STREAMING on (the default)"
    daemon = Pyro4.Daemon(host="127.0.0.1", port=0)
    objects = {
        "streams": Streams,
        "counter": Counter,
        "factory": Factory(daemon),
        "inspector": Inspector,
    }
    serve(daemon, objects)


if __name__ == "__main__":
    main()
