"""A Python Pyro4 client for the issue-4 interop suites: streaming, batches, autoproxy, callbacks
and call context against a pyrots daemon.

Usage: features_client.py HOST:PORT SECTION...   (serializer from PYRO_SERIALIZER; serpent when unset)
Sections: streaming, batch, autoproxy, callbacks, context.

Calls the objects a pyrots daemon hosts at HOST:PORT (interop.streams, interop.counter,
interop.factory, interop.inspector) and prints one JSON line
{check: {"ok": true, "value": ...} | {"ok": false, "error": {...}}}. It asserts nothing itself:
the TypeScript side asserts each check, so a failure names the broken feature.
"""
import json
import sys
import threading
import time
import uuid

import Pyro4
import Pyro4.errors
from Pyro4 import current_context

LOCATION = sys.argv[1]
SECTIONS = set(sys.argv[2:])
WAIT_SECONDS = 5.0
CORRELATION = uuid.UUID("0123456789abcdef0123456789abcdef")


def proxy(name, cls=Pyro4.Proxy):
    return cls("PYRO:interop.%s@%s" % (name, LOCATION))


def class_name(value):
    cls = type(value)
    return "%s.%s" % (cls.__module__, cls.__name__)


def error_info(error):
    return {"type": class_name(error), "str": str(error)}


def outcome(fn):
    try:
        return {"ok": True, "value": fn()}
    except Exception as error:  # noqa: BLE001 - every failure is an observation
        return {"ok": False, "error": error_info(error)}


def until(condition):
    deadline = time.time() + WAIT_SECONDS
    while not condition() and time.time() < deadline:
        time.sleep(0.005)
    return condition()


# --- streaming -------------------------------------------------------------------------------

def stream_all(streams):
    iterator = streams.count(5, "all")
    return [class_name(iterator), list(iterator)]


def stream_closed(streams):
    iterator = streams.count(1000, "closed")
    items = [next(iterator) for _ in range(3)]
    iterator.close()
    return [items, streams.finished("closed")]


def stream_broken(streams):
    items = []
    for item in streams.count(1000, "broken"):
        items.append(item)
        if item == 2:
            break  # dropping the iterator closes the remote stream (CPython frees it right here)
    return [items, streams.finished("broken")]


def stream_failing(streams):
    items = []
    try:
        for item in streams.failing():
            items.append(item)
    except Exception as error:  # noqa: BLE001
        return {"items": items, "error": error_info(error)}
    return {"items": items, "error": None}


def streaming(check):
    with proxy("streams") as streams:
        check("stream.all", lambda: stream_all(streams))
        check("stream.async", lambda: list(streams.slowly(3)))
        check("stream.closed", lambda: stream_closed(streams))
        check("stream.broken", lambda: stream_broken(streams))
        check("stream.failing", lambda: stream_failing(streams))


# --- batch -----------------------------------------------------------------------------------

def batch_results(counter):
    start = counter.current()
    b = Pyro4.batch(counter)
    b.inc(1)
    b.inc(2)
    b.current()
    return [start, list(b())]


def batch_error(counter):
    start = counter.current()
    b = Pyro4.batch(counter)
    b.inc(1)
    b.fail("in batch")
    b.inc(100)
    items, error = [], None
    try:
        for result in b():
            items.append(result)
    except Exception as e:  # noqa: BLE001
        error = error_info(e)
    return {"start": start, "items": items, "error": error, "after": counter.current()}


def batch_oneway(counter):
    start = counter.current()
    b = Pyro4.batch(counter)
    b.inc(5)
    b.inc(5)
    returned = b(oneway=True)
    until(lambda: counter.current() == start + 10)
    return [start, returned, counter.current()]


def batch(check):
    with proxy("counter") as counter:
        check("batch.results", lambda: batch_results(counter))
        check("batch.error", lambda: batch_error(counter))
        check("batch.oneway", lambda: batch_oneway(counter))


# --- autoproxy -------------------------------------------------------------------------------

def autoproxy(check):
    with proxy("factory") as factory:
        item = factory.create("one")
        check("autoproxy.returned", lambda: [class_name(item), item._pyroUri.object, item._pyroUri.location, item.label()])
        check("autoproxy.passed_back", lambda: factory.labelOf(item))
        item._pyroRelease()


# --- callbacks -------------------------------------------------------------------------------

@Pyro4.expose
class Listener(object):
    def __init__(self):
        self.heard = []

    def notify(self, text):
        self.heard.append(text)

    @Pyro4.oneway
    def later(self, text):
        self.heard.append(text)

    @Pyro4.callback
    def fail(self):
        raise TypeError("listener refused")


class RecordingDaemon(Pyro4.Daemon):
    """Records the errors a @callback method re-raises on this (the callback's) side."""

    def __init__(self, **kwargs):
        super(RecordingDaemon, self).__init__(**kwargs)
        self.raised = []

    def handleRequest(self, conn):
        try:
            super(RecordingDaemon, self).handleRequest(conn)
        except Pyro4.errors.CommunicationError:
            raise
        except Exception as error:
            self.raised.append(error_info(error))
            raise


def callbacks(check):
    daemon = RecordingDaemon(host="127.0.0.1", port=0)
    listener = Listener()
    daemon.register(listener)
    threading.Thread(target=daemon.requestLoop, daemon=True).start()
    try:
        with proxy("factory") as factory:
            def notify():
                result = factory.notifyMe(listener, "hello from python")
                until(lambda: len(listener.heard) == 2)
                return [result, sorted(listener.heard)]

            def provoke():
                result = factory.provoke(listener)
                until(lambda: daemon.raised)
                return {"result": result, "raised_here": daemon.raised}

            check("callback.notify", notify)
            check("callback.provoke", provoke)
    finally:
        daemon.shutdown()


# --- call context ----------------------------------------------------------------------------

HOOK_SEEN = []


class AnnotatedProxy(Pyro4.Proxy):
    """Pyro4 4.82's client hook for response annotations, besides current_context. (State lives
    outside: a Proxy takes unknown attribute assignments as remote attribute writes.)"""

    def _pyroResponseAnnotations(self, annotations, msgtype):
        HOOK_SEEN.append({k: bytes(v).decode("latin-1") for k, v in annotations.items() if k != "CORR"})


def context_annotated(inspector):
    current_context.correlation_id = CORRELATION
    current_context.annotations = {"XTRA": b"from python"}
    seen = inspector.whoAmI()
    response = current_context.response_annotations
    return {
        "seen": seen,
        "hook": HOOK_SEEN[-1] if HOOK_SEEN else None,  # Pyro5 has no such hook
        "context_response": {k: bytes(v).decode("latin-1") for k, v in response.items() if k != "CORR"},
        "response_corr": bytes(response["CORR"]).hex() if "CORR" in response else None,
        "annotations_after": {k: bytes(v).decode("latin-1") for k, v in current_context.annotations.items()},
    }


def context(check):
    with proxy("inspector", AnnotatedProxy) as inspector:
        check("context.annotated", lambda: context_annotated(inspector))
        check("context.next_call", lambda: inspector.whoAmI())


def main():
    results = {}

    def check(name, fn):
        results[name] = outcome(fn)

    for name, section in (("streaming", streaming), ("batch", batch), ("autoproxy", autoproxy),
                          ("callbacks", callbacks), ("context", context)):
        if name in SECTIONS:
            section(check)
    print(json.dumps(results, allow_nan=False))


if __name__ == "__main__":
    main()
