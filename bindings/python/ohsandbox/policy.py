"""Security policy over the create body (ohs_policy): findings as objects."""

import ctypes
import json
from collections import namedtuple

from . import _lib
from .errors import PolicyRefused
from ._handle import Handle
from ._lib import C, dec, enc

__all__ = ["Finding", "Findings", "Policy", "PROFILES", "MODES", "PROFILE_PERMISSIVE",
           "PROFILE_DEFAULT", "PROFILE_HARDENED", "MODE_ENFORCE", "MODE_WARN"]

PROFILES = ("permissive", "default", "hardened")
MODES = ("enforce", "warn")
# the C enums ohs_security_profile and ohs_security_mode
PROFILE_PERMISSIVE, PROFILE_DEFAULT, PROFILE_HARDENED = 0, 1, 2
MODE_ENFORCE, MODE_WARN = 0, 1

Finding = namedtuple("Finding", "id severity field value message remediation refused fixed")
Finding.__doc__ = """One policy finding: stable id ("5.4", "ohs-home-writable"),
severity ("critical", "high", "medium", "low"), field (JSON path), value
(offending value as text), message, remediation, refused (the profile refuses
it), fixed (the hardened rewrite removed it)."""


class Findings(list):
    """A list of Finding, plus ``refused_count``, ``profile``, ``mode`` and
    ``json`` (the C library's JSON report).  Plain Python data: the C
    handle is freed as soon as it has been read."""

    refused_count = 0
    profile = None
    mode = None
    json = None

    @property
    def refused(self):
        return [f for f in self if f.refused]

    def to_dict(self):
        return json.loads(self.json) if self.json else {}

    @classmethod
    def _take(cls, ptr):
        try:
            return cls._read(ptr)
        finally:
            C.ohs_findings_free(ptr)

    @classmethod
    def _read(cls, ptr):
        """Copy a findings handle into Python data (the handle is not freed)."""
        items = cls()
        for i in range(C.ohs_findings_count(ptr)):
            items.append(Finding(
                dec(C.ohs_findings_id(ptr, i)), dec(C.ohs_findings_severity(ptr, i)),
                dec(C.ohs_findings_field(ptr, i)), dec(C.ohs_findings_value(ptr, i)),
                dec(C.ohs_findings_message(ptr, i)), dec(C.ohs_findings_remediation(ptr, i)),
                bool(C.ohs_findings_refused(ptr, i)), bool(C.ohs_findings_fixed(ptr, i))))
        items.refused_count = C.ohs_findings_refused_count(ptr)
        items.profile = dec(C.ohs_findings_profile(ptr))
        items.mode = dec(C.ohs_findings_mode(ptr))
        out = ctypes.c_void_p()
        C.ohs_findings_to_json(ctypes.byref(out), ptr)
        items.json = _lib.take_string(out)
        return items


def _body(body):
    """A create body from a str, bytes, dict or Config."""
    if hasattr(body, "create_body"):
        body = body.create_body()
    elif isinstance(body, dict):
        body = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return enc(body, "create_body")


class Policy(Handle):
    """A security policy: profile "permissive", "default" or "hardened"
    (None: "default"), mode "enforce" or "warn" (None: "enforce").  The
    profile and mode may also be given as the C enum values (ints:
    PROFILE_* and MODE_*)."""

    _free_fn = C.ohs_policy_free

    def __init__(self, profile=None, mode=None):
        out = _lib.POLICY()
        if isinstance(profile, int) or isinstance(mode, int):
            p = PROFILE_DEFAULT if profile is None else profile
            m = MODE_ENFORCE if mode is None else mode
            if not isinstance(p, int):
                p = profile_from_name(p)
            if not isinstance(m, int):
                m = mode_from_name(m)
            C.ohs_policy_new_enum(ctypes.byref(out), int(p), int(m))
        else:
            C.ohs_policy_new(ctypes.byref(out), enc(profile, "profile"), enc(mode, "mode"))
        self._init_handle(out)

    def copy(self):
        out = _lib.POLICY()
        C.ohs_policy_dup(ctypes.byref(out), self._handle())
        return Policy._wrap(out)

    @property
    def profile(self):
        return dec(C.ohs_policy_profile(self._handle()))

    @property
    def mode(self):
        return dec(C.ohs_policy_mode(self._handle()))

    @property
    def home(self):
        return dec(C.ohs_policy_home(self._handle()))

    @home.setter
    def home(self, path):
        C.ohs_policy_set_home(self._handle(), enc(path, "home"))

    @property
    def default_limits(self):
        """(memory_bytes, nano_cpus, pids) the hardened rewrite supplies."""
        m, c, p = ctypes.c_int64(), ctypes.c_int64(), ctypes.c_int64()
        C.ohs_policy_default_limits(ctypes.byref(m), ctypes.byref(c), ctypes.byref(p), self._handle())
        return (m.value, c.value, p.value)

    @default_limits.setter
    def default_limits(self, value):
        m, c, p = value
        C.ohs_policy_set_default_limits(self._handle(), int(m), int(c), int(p))

    @property
    def default_user(self):
        return dec(C.ohs_policy_default_user(self._handle()))

    @default_user.setter
    def default_user(self, user):
        C.ohs_policy_set_default_user(self._handle(), enc(user, "default_user"))

    def check(self, body):
        """Findings for a create body (str/dict/Config) as it is; never refuses."""
        out = _lib.FINDINGS()
        C.ohs_policy_check(ctypes.byref(out), self._handle(), _body(body))
        return Findings._take(out)

    def apply(self, body):
        """(body_to_send, findings): the hardened rewrite for the hardened
        profile, else an identical copy.  In enforce mode a refused finding
        raises PolicyRefused, whose ``findings`` attribute holds the findings."""
        out = ctypes.c_void_p()
        fnd = _lib.FINDINGS()
        try:
            C.ohs_policy_apply(ctypes.byref(out), ctypes.byref(fnd), self._handle(), _body(body))
        except PolicyRefused as e:
            if fnd:
                e.findings = Findings._take(fnd)
            raise
        return _lib.take_string(out), Findings._take(fnd)

    def __repr__(self):
        if self.closed:
            return "<Policy closed>"
        return "<Policy profile=%r mode=%r>" % (self.profile, self.mode)


def profile_from_name(name):
    """The ohs_security_profile value of a profile name (InvalidConfig otherwise)."""
    v = ctypes.c_int()
    C.ohs_policy_profile_from_name(ctypes.byref(v), enc(name, "name"))
    return v.value


def mode_from_name(name):
    """The ohs_security_mode value of a mode name (InvalidConfig otherwise)."""
    v = ctypes.c_int()
    C.ohs_policy_mode_from_name(ctypes.byref(v), enc(name, "name"))
    return v.value


def profile_name(value):
    return dec(C.ohs_policy_profile_name(int(value)))


def mode_name(value):
    return dec(C.ohs_policy_mode_name(int(value)))
