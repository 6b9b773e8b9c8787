"""A cancel handle for long calls (ohs_cancel)."""

import ctypes

from . import _lib
from ._handle import Handle
from ._lib import C

__all__ = ["Cancel"]


class Cancel(Handle):
    """Stops the calls given it (Pool.acquire(), Pool.wait()) from any
    thread: once trigger() is called, every call waiting on it and every
    later one raises Canceled, until reset().  One handle may serve many
    calls at once."""

    _free_fn = C.ohs_cancel_free

    def __init__(self):
        out = _lib.CANCEL()
        C.ohs_cancel_new(ctypes.byref(out))
        self._init_handle(out)

    def trigger(self):
        C.ohs_cancel_trigger(self._handle())

    @property
    def triggered(self):
        return C.ohs_cancel_triggered(self._handle()) == 1

    def reset(self):
        """Re-arm a triggered handle (no call may be waiting on it)."""
        C.ohs_cancel_reset(self._handle())

    def __repr__(self):
        if self.closed:
            return "<Cancel closed>"
        return "<Cancel triggered=%r>" % (self.triggered,)
