"""A warm pool of started sandboxes (ohs_pool)."""

import ctypes

from . import _lib
from ._handle import Handle
from ._lib import C

__all__ = ["Pool"]


def _ms(timeout):
    """Seconds -> the C convention: None waits for ever (-1), 0 does not wait."""
    if timeout is None:
        return -1
    if timeout <= 0:
        return 0
    return max(1, int(timeout * 1000))


class Pool(Handle):
    """Keeps `size` sandboxes of `config` (copied) created and started by
    background threads, so that acquire() hands one over at once.

    close() (or the end of a ``with`` block, or garbage collection) stops
    the threads and removes the ready and released sandboxes; sandboxes
    still acquired stay valid and are the caller's.  The client is kept
    alive until the pool is freed; closing the client closes its pools.
    A pool may be shared by threads.
    """

    _free_fn = C.ohs_pool_free

    def __init__(self, client, config, size):
        out = _lib.POOL()
        C.ohs_pool_new(ctypes.byref(out), client._handle(), config._handle(), int(size))
        self._init_handle(out, keepalive=(client,))
        self.client = client
        client._pools.add(self)

    def acquire(self, timeout=None, cancel=None):
        """A started Session (the caller's).  timeout in seconds: None waits
        for ever, 0 does not wait; Timeout when none became ready.  A Cancel
        handle `cancel` stops the wait (Canceled) when triggered."""
        from .session import Session
        out = _lib.SESSION()
        C.ohs_pool_acquire_cancel(ctypes.byref(out), self._handle(), _ms(timeout),
                                  cancel._handle() if cancel is not None else None)
        return Session._from_ptr(out, self.client)

    def release(self, session):
        """Give back a session acquired from this pool: removed in the
        background, and the Python object closed."""
        C.ohs_pool_release(self._handle(), session._handle())
        session._release_to_pool()

    @property
    def ready(self):
        return C.ohs_pool_ready(self._handle())

    @property
    def size(self):
        return C.ohs_pool_size(self._handle())

    def wait(self, count=None, timeout=None, cancel=None):
        """Wait until `count` (default: size) sandboxes are ready; `cancel`
        as for acquire()."""
        if count is None:
            count = self.size
        C.ohs_pool_wait_cancel(self._handle(), int(count), _ms(timeout),
                               cancel._handle() if cancel is not None else None)

    def close(self):
        client = getattr(self, "client", None)
        if client is not None and getattr(client, "_pools", None) is not None:
            client._pools.discard(self)
        super().close()

    def __repr__(self):
        if self.closed:
            return "<Pool closed>"
        return "<Pool size=%d ready=%d>" % (self.size, self.ready)
