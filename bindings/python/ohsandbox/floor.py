"""The operator's floor (ohs_floor): a trusted policy file the sandbox
environment cannot lower."""

import ctypes
import os

from . import _lib
from ._handle import Handle
from ._lib import C, dec, enc

__all__ = ["Floor"]


class Floor(Handle):
    """A floor: the weakest profile and mode a config may use, the host paths
    bind mounts must lie under, the networks a sandbox may join and the OCI
    runtime, each optional.  Make one with Floor.load(path),
    Floor.parse(json_text) or Floor.system(); floors only add up (merge())."""

    _free_fn = C.ohs_floor_free

    def __init__(self, *args, **kwargs):
        raise TypeError("use Floor.load(path), Floor.parse(text) or Floor.system()")

    @classmethod
    def load(cls, path):
        """Read a floor from a JSON file (NotFound, OhsIOError, InvalidConfig)."""
        out = _lib.FLOOR()
        C.ohs_floor_load(ctypes.byref(out), enc(os.fspath(path), "path"))
        return cls._wrap(out)

    @classmethod
    def parse(cls, text, origin=None):
        """A floor from a JSON text; `origin` names it in messages."""
        out = _lib.FLOOR()
        C.ohs_floor_parse(ctypes.byref(out), enc(text, "json"), enc(origin, "origin"))
        return cls._wrap(out)

    @classmethod
    def system(cls):
        """The system floor (system_path()), or None when there is none."""
        out = _lib.FLOOR()
        C.ohs_floor_system(ctypes.byref(out))
        return cls._wrap(out) if out else None

    @staticmethod
    def system_path():
        return dec(C.ohs_floor_system_path())

    @classmethod
    def _copy_of(cls, ptr):
        out = _lib.FLOOR()
        C.ohs_floor_dup(ctypes.byref(out), ptr)
        return cls._wrap(out)

    def copy(self):
        return Floor._copy_of(self._handle())

    def merge(self, other):
        """Add `other` to this floor: the stricter of each key (InvalidConfig
        for two different runtimes; this floor is then unchanged)."""
        C.ohs_floor_merge(self._handle(), other._handle())

    @property
    def profile(self):
        return dec(C.ohs_floor_profile(self._handle()))

    @property
    def mode(self):
        return dec(C.ohs_floor_mode(self._handle()))

    @property
    def runtime(self):
        return dec(C.ohs_floor_runtime(self._handle()))

    @property
    def host_paths(self):
        """The allowed host path prefixes, or None when the floor does not restrict them."""
        h = self._handle()
        if not C.ohs_floor_has_host_paths(h):
            return None
        return [dec(C.ohs_floor_host_path(h, i)) for i in range(C.ohs_floor_host_path_count(h))]

    @property
    def networks(self):
        """The allowed networks, or None when the floor does not restrict them."""
        h = self._handle()
        if not C.ohs_floor_has_networks(h):
            return None
        return [dec(C.ohs_floor_network(h, i)) for i in range(C.ohs_floor_network_count(h))]

    def origin(self, key):
        """Where `key` ("profile", "mode", "host_paths", "networks", "runtime")
        was pinned, or None."""
        return dec(C.ohs_floor_origin(self._handle(), enc(key, "key")))

    def __repr__(self):
        if self.closed:
            return "<Floor closed>"
        return "<Floor profile=%r mode=%r runtime=%r>" % (self.profile, self.mode, self.runtime)
