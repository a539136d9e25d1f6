"""Runs the interop scripts, written for Pyro4, on Pyro5 (protocol 502) unchanged: `import Pyro4`
finds this module first (the suites put its folder on PYTHONPATH), which hands over to Pyro5's own
Pyro4 compatibility layer (that layer installs itself as `Pyro4`, `Pyro4.errors`, ...).

Pyro5 stays at its defaults: no PYRO_* variables. A suite that runs a serializer other than
serpent names it in INTEROP_SERIALIZER, and it is chosen here in code, as a program would.
"""
import os

import Pyro5
from Pyro5.compatibility import Pyro4 as _pyro4

_pyro4.PYRO5 = True
_serializer = os.environ.get("INTEROP_SERIALIZER")
if _serializer:
    Pyro5.config.SERIALIZER = _serializer
    _pyro4.config.SERIALIZER = _serializer
