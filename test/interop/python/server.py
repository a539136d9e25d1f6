"""A Python Pyro4 daemon for the interop suite (test/interop/python-daemon.test.ts).

Serves on 127.0.0.1, a free port. Prints one line "uri: NAME PYRO:..." per object, then "ready",
and serves until it gets SIGTERM or its stdin closes (so it never outlives the test run).
Serializer settings come from the environment: msgpack must be in PYRO_SERIALIZERS_ACCEPTED;
serpent (the default) needs no settings at all.
"""
import threading
import time

import Pyro4
import Pyro4.errors

from fixture import serve

WAIT_SECONDS = 5.0


class CustomError(Exception):
    """An exception class of a (pretend) importable module, with a custom attribute."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


CustomError.__module__ = "interop_errors"


def counter_class(mode):
    """A counter whose results reveal the instance mode: incr() counts calls on one instance."""

    class Counter(object):
        def __init__(self):
            self.count = 0

        def incr(self):
            self.count += 1
            return self.count

    Counter.__name__ = mode.capitalize() + "Counter"
    return Pyro4.behavior(instance_mode=mode)(Pyro4.expose(Counter))


@Pyro4.behavior(instance_mode="single")
class Lab(object):
    """Everything else: echo and type description, a property, oneway calls, errors."""

    def __init__(self):
        self._value = "initial"
        self._fired = None
        self._fired_event = threading.Event()
        self._unblock = threading.Event()
        self._block_result = None
        self._block_done = threading.Event()

    @Pyro4.expose
    def echo(self, value):
        return value

    @Pyro4.expose
    def describe(self, value):
        """[type name, repr] of what arrived, to check how the caller encoded it."""
        return [type(value).__name__, repr(value)]

    @Pyro4.expose
    def describe_call(self, *args, **kwargs):
        return {"args": [repr(a) for a in args], "kwargs": {k: repr(v) for k, v in sorted(kwargs.items())}}

    @Pyro4.expose
    def values(self):
        """Python-made values, to check how the caller decodes them (bytes apart: json has none)."""
        return {
            "int63max": 2 ** 63 - 1,
            "int63min": -2 ** 63,
            "uint64max": 2 ** 64 - 1,
            "int40": 2 ** 40,
            "small": -5,
            "float": 1.5,
            "nan": float("nan"),
            "inf": float("inf"),
            "ninf": float("-inf"),
            "str": u"h\u00e9llo \u2713",
            "list": [1, "two", [3.5]],
            "tuple": (1, 2),
            "nested": {"a": {"b": [1, {"c": None}]}},
            "none": None,
            "true": True,
            "false": False,
        }

    @Pyro4.expose
    def bytes_value(self):
        return b"\x00\x01\xff"

    @Pyro4.expose
    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value):
        self._value = value

    @Pyro4.expose
    @property
    def readonly(self):
        return "fixed"

    @Pyro4.expose
    @Pyro4.oneway
    def fire(self, token):
        self._fired = token
        self._fired_event.set()

    @Pyro4.expose
    def fired(self):
        """The token of the last fire(), waiting for it to arrive (oneway calls run in a thread)."""
        self._fired_event.wait(WAIT_SECONDS)
        return self._fired

    @Pyro4.expose
    @Pyro4.oneway
    def block(self, token):
        """Waits until unblock(): a caller that waited for this call would never get to unblock()."""
        released = self._unblock.wait(WAIT_SECONDS)
        self._block_result = token if released else "not released: the caller waited for a oneway call"
        self._block_done.set()

    @Pyro4.expose
    def unblock(self):
        self._unblock.set()
        self._block_done.wait(WAIT_SECONDS)
        return self._block_result

    @Pyro4.expose
    def sleep(self, seconds):
        """Answers after `seconds`: for timeouts and aborts on the caller's side."""
        time.sleep(seconds)
        return seconds

    @Pyro4.expose
    def fail_value(self, message):
        raise ValueError(message)

    @Pyro4.expose
    def fail_attrs(self):
        error = ValueError("with attributes")
        error.code = 42
        error.detail = "extra"
        raise error

    @Pyro4.expose
    def fail_custom(self):
        raise CustomError("custom failure", 7)

    @Pyro4.expose
    def fail_naming(self, message):
        raise Pyro4.errors.NamingError(message)

    @Pyro4.expose
    def fail_zero(self):
        return 1 // 0

    def not_exposed(self):
        return "should not be reachable"

    def _private(self):
        return "secret"


def main():
    daemon = Pyro4.Daemon(host="127.0.0.1", port=0)
    objects = {
        "single": counter_class("single"),
        "session": counter_class("session"),
        "percall": counter_class("percall"),
        "lab": Lab,
    }
    serve(daemon, objects)


if __name__ == "__main__":
    main()
