"""Owned and borrowed C handles."""

import weakref


def _free(free_fn, ptr, *keepalive):
    # keepalive: objects (e.g. the client of a session) that must outlive the free
    free_fn(ptr)


class Handle:
    """A C handle.

    Owned handles are freed exactly once: by close(), by the context manager,
    or when the object is garbage-collected (weakref.finalize).  Borrowed
    handles (e.g. Config.volumes) hold a reference to their owner, so the
    owner outlives them, and are never freed by Python.
    """

    _free_fn = None       # the C destructor, set by subclasses
    _ptr = None
    _owner = None
    _finalizer = None
    _refetch = None

    def _init_handle(self, ptr, owner=None, refetch=None, keepalive=()):
        if not ptr:
            raise ValueError("%s: NULL handle" % type(self).__name__)
        self._ptr = ptr
        self._owner = owner
        self._refetch = refetch
        if owner is None:
            self._finalizer = weakref.finalize(self, _free, type(self)._free_fn, ptr, *keepalive)

    @classmethod
    def _wrap(cls, ptr, owner=None, refetch=None):
        obj = cls.__new__(cls)
        obj._init_handle(ptr, owner, refetch)
        return obj

    @classmethod
    def _borrow(cls, owner, getter):
        """A view of a sub-handle of `owner`, fetched with getter(owner_ptr)
        on every use (the owner may replace it), keeping the owner alive."""
        def refetch():
            return getter(owner._handle())
        return cls._wrap(refetch(), owner, refetch)

    @property
    def _as_parameter_(self):
        return self._handle()

    def _handle(self):
        if self._ptr is None:
            raise ValueError("%s is closed" % type(self).__name__)
        if self._refetch is not None:
            ptr = self._refetch()   # raises when the owner is closed
            if not ptr:
                raise ValueError("%s: the owner returned NULL" % type(self).__name__)
            return ptr
        return self._ptr

    @property
    def closed(self):
        if self._ptr is None:
            return True
        return self._owner is not None and self._owner.closed

    def close(self):
        """Free the C handle now (idempotent).  Borrowed handles are only detached."""
        fin = self._finalizer
        self._ptr = None
        self._owner = None
        self._refetch = None
        if fin is not None:
            self._finalizer = None
            fin()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _release(self):
        """Give up ownership without freeing (the C side took it)."""
        fin = self._finalizer
        if fin is not None:
            fin.detach()
        self._finalizer = None
        ptr, self._ptr = self._ptr, None
        return ptr
