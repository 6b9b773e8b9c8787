"""Exceptions: one class per libohsandbox error family (ohs_error_code)."""

OK = 0
ERROR = -1
EINVAL = -2
ENOMEM = -3
ENOTFOUND = -4
ECONFLICT = -5
EPERM = -6
EENGINE = -7
EUNREACHABLE = -8
ETIMEOUT = -9
EPOLICY = -10
ENOTSUPPORTED = -11
EIO = -12
EPROTOCOL = -13
ESTATE = -14
ETLS = -15
ECANCELED = -16

CODE_NAMES = {
    ERROR: "OHS_ERROR", EINVAL: "OHS_EINVAL", ENOMEM: "OHS_ENOMEM",
    ENOTFOUND: "OHS_ENOTFOUND", ECONFLICT: "OHS_ECONFLICT", EPERM: "OHS_EPERM",
    EENGINE: "OHS_EENGINE", EUNREACHABLE: "OHS_EUNREACHABLE", ETIMEOUT: "OHS_ETIMEOUT",
    EPOLICY: "OHS_EPOLICY", ENOTSUPPORTED: "OHS_ENOTSUPPORTED", EIO: "OHS_EIO",
    EPROTOCOL: "OHS_EPROTOCOL", ESTATE: "OHS_ESTATE", ETLS: "OHS_ETLS",
    ECANCELED: "OHS_ECANCELED",
}


class OhsError(Exception):
    """A libohsandbox call failed.

    ``code`` is the negative OHS_E* status, ``message`` the C library's
    message (ohs_error_last(): names the input and what was expected),
    ``http_status`` the engine's HTTP status when there was one (else 0).
    """

    code = ERROR

    def __init__(self, code, message, http_status=0):
        super().__init__(code, message, http_status)
        self.code = code
        self.message = message
        self.http_status = http_status

    @property
    def code_name(self):
        return CODE_NAMES.get(self.code, str(self.code))

    def __str__(self):
        if self.http_status:
            return "%s (%s, HTTP %d)" % (self.message, self.code_name, self.http_status)
        return "%s (%s)" % (self.message, self.code_name)


class InvalidConfig(OhsError, ValueError):
    """OHS_EINVAL: an invalid argument, value or environment variable."""
    code = EINVAL


class OutOfMemory(OhsError, MemoryError):
    """OHS_ENOMEM."""
    code = ENOMEM


class NotFound(OhsError, LookupError):
    """OHS_ENOTFOUND: no such container, image, network or file."""
    code = ENOTFOUND


class Conflict(OhsError):
    """OHS_ECONFLICT: name in use, container in the wrong state."""
    code = ECONFLICT


class PermissionDenied(OhsError):
    """OHS_EPERM: permission denied (socket, engine 403)."""
    code = EPERM


class EngineError(OhsError):
    """OHS_EENGINE: the engine reported an error (HTTP 5xx)."""
    code = EENGINE


class EngineUnreachable(OhsError):
    """OHS_EUNREACHABLE: the engine cannot be reached."""
    code = EUNREACHABLE


class Timeout(OhsError):
    """OHS_ETIMEOUT: a deadline passed."""
    code = ETIMEOUT


class PolicyRefused(OhsError):
    """OHS_EPOLICY: the security policy refused the request.

    ``findings`` holds the policy findings when they are known (from
    Policy.apply()), else None.
    """
    code = EPOLICY
    findings = None


class NotSupported(OhsError):
    """OHS_ENOTSUPPORTED: feature, scheme or API version not supported."""
    code = ENOTSUPPORTED


class OhsIOError(OhsError):
    """OHS_EIO: local I/O failed (files, archives)."""
    code = EIO


class ProtocolError(OhsError):
    """OHS_EPROTOCOL: malformed response from the engine."""
    code = EPROTOCOL


class SandboxStateError(OhsError):
    """OHS_ESTATE: sandbox in an unusable state (exited, died)."""
    code = ESTATE


class TLSError(OhsError):
    """OHS_ETLS: TLS setup or handshake failed."""
    code = ETLS


class Canceled(OhsError):
    """OHS_ECANCELED: stopped by a Cancel handle (Cancel.trigger())."""
    code = ECANCELED


_BY_CODE = {cls.code: cls for cls in (
    InvalidConfig, OutOfMemory, NotFound, Conflict, PermissionDenied, EngineError,
    EngineUnreachable, Timeout, PolicyRefused, NotSupported, OhsIOError, ProtocolError,
    SandboxStateError, TLSError, Canceled)}


def from_code(code, message, http_status=0):
    """The exception instance for a negative status code."""
    return _BY_CODE.get(code, OhsError)(code, message, http_status)
