"""The engine client (ohs_client)."""

import ctypes
import weakref

from . import _lib
from ._handle import Handle
from ._lib import C, dec

__all__ = ["Client"]


class Client(Handle):
    """A connection to the Docker engine named by DOCKER_HOST.

    ``env`` is a mapping of environment variables (DOCKER_HOST,
    DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION); None means
    os.environ.  The engine is pinged and the API version negotiated at
    once: an unreachable engine raises EngineUnreachable here.

    One Client may be shared by many threads.  close() (or the end of a
    ``with`` block) first closes the sessions still open on it.
    """

    _free_fn = C.ohs_client_free

    def __init__(self, env=None):
        arr = _lib.envp(env)
        out = _lib.CLIENT()
        C.ohs_client_new(ctypes.byref(out), arr)
        self._init_handle(out)
        self._sessions = weakref.WeakSet()
        self._pools = weakref.WeakSet()

    @property
    def api_version(self):
        """API version in use, e.g. "1.41"."""
        return dec(C.ohs_client_api_version(self._handle()))

    @property
    def host(self):
        """The engine address in use, e.g. "unix:///var/run/docker.sock"."""
        return dec(C.ohs_client_host(self._handle()))

    @property
    def warnings(self):
        """One-line warnings about the connection: plain tcp:// without TLS,
        or TLS without verification (DOCKER_CERT_PATH without
        DOCKER_TLS_VERIFY).  Empty for a unix socket or verified TLS, and
        with a library that lacks ohs_client_warning (before OHSANDBOX_1.1)."""
        if not _lib.have("ohs_client_warning_count"):
            return []
        h = self._handle()
        return [dec(C.ohs_client_warning(h, i)) for i in range(C.ohs_client_warning_count(h))]

    def set_timeouts(self, connect=None, request=None):
        """Connect and per-request timeouts in seconds (None or 0: none)."""
        C.ohs_client_set_timeouts(self._handle(), int((connect or 0) * 1000),
                                  int((request or 0) * 1000))

    def ping(self):
        """GET /_ping; raises when the engine does not answer."""
        C.ohs_client_ping(self._handle())

    def create_session(self, config, progress=None):
        """Create (not start) a sandbox from `config`; see Session.create()."""
        from .session import Session
        return Session.create(self, config, progress)

    def open_session(self, id_or_name):
        """Re-open an existing sandbox of this library by container id or name."""
        from .session import Session
        return Session.open(self, id_or_name)

    def sessions(self):
        """This library's sandboxes on the engine (list of dicts)."""
        from .session import list_sessions
        return list_sessions(self)

    def reap(self, all=False):
        """Remove sandboxes whose owner is gone (all=True: every one); returns the count."""
        from .session import reap
        return reap(self, all)

    def pool(self, config, size):
        """A warm pool of `size` started sandboxes of `config`; see Pool."""
        from .pool import Pool
        return Pool(self, config, size)

    def close(self):
        for p in list(getattr(self, "_pools", ())):
            p.close()
        sessions = getattr(self, "_sessions", None)
        if sessions is not None:
            for s in list(sessions):
                s.close()
        super().close()

    def __repr__(self):
        if self.closed:
            return "<Client closed>"
        return "<Client host=%r api_version=%r>" % (self.host, self.api_version)
