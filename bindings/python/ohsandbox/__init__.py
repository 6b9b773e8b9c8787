"""ohsandbox - Python (ctypes) binding of libohsandbox.

Runs OpenHands-style agent sandboxes in Docker containers::

    import ohsandbox
    cfg = ohsandbox.Config.from_env({"SANDBOX_VOLUMES": "/src:/workspace:rw"})
    with ohsandbox.Client() as client, client.create_session(cfg) as s:
        s.start()
        print(s.exec(["echo", "hi"]).stdout)

The shared library is loaded from $OHSANDBOX_LIBRARY when set, else as
libohsandbox.so.0 through the dynamic loader's usual search.
"""

from . import _lib
from .errors import (OhsError, InvalidConfig, OutOfMemory, NotFound, Conflict,
                     PermissionDenied, EngineError, EngineUnreachable, Timeout,
                     PolicyRefused, NotSupported, OhsIOError, ProtocolError,
                     SandboxStateError, TLSError, Canceled)
from .config import Mount, Port, Limits, Volumes, NetPolicy, Config
from .client import Client
from .session import ExecResult, SessionPort, Session, Shell, reap, reap_each, list_sessions
from .policy import Finding, Findings, Policy
from .pool import Pool
from .cancel import Cancel
from .floor import Floor

__version__ = "0.2.0"

__all__ = [
    "OhsError", "InvalidConfig", "OutOfMemory", "NotFound", "Conflict", "PermissionDenied",
    "EngineError", "EngineUnreachable", "Timeout", "PolicyRefused", "NotSupported",
    "OhsIOError", "ProtocolError", "SandboxStateError", "TLSError", "Canceled",
    "Mount", "Port", "Limits", "Volumes", "NetPolicy", "Config",
    "Client", "ExecResult", "SessionPort", "Session", "Shell", "reap", "reap_each",
    "list_sessions", "Finding", "Findings", "Policy", "Pool", "Cancel", "Floor",
    "library_version", "library_version_number", "library_path", "strerror", "env_get",
]


def library_version():
    """Version of the loaded C library, e.g. "0.1.0"."""
    return _lib.dec(_lib.C.ohs_version())


def library_version_number():
    """OHS_VERSION_NUMBER (0xMMmmpp) of the loaded C library."""
    return _lib.C.ohs_version_number()


def library_path():
    """Path or name the C library was loaded from."""
    return _lib.lib._name


def strerror(code):
    """Static description of an OHS_E* status code."""
    return _lib.dec(_lib.C.ohs_strerror(int(code)))


def env_get(name, env=None):
    """Value of `name` as libohsandbox reads it from `env` (None: os.environ)."""
    return _lib.dec(_lib.C.ohs_env_get(_lib.envp(env), _lib.enc(name, "name")))
