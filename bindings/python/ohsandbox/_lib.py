"""Low-level ctypes binding of libohsandbox.so.0.

Every exported function of the C API is declared in FUNCTIONS below with its
exact restype and argtypes.  Functions that return a status code (0 or a
negative OHS_E* value) get an ``errcheck`` that reads the per-thread C error
(``ohs_error_last()``) right after the call, on the same OS thread, and raises
the matching :class:`ohsandbox.OhsError` subclass.

The library is found through the ``OHSANDBOX_LIBRARY`` environment variable
(a path) when it is set, otherwise through the dynamic loader's usual search
for ``libohsandbox.so.0`` (``LD_LIBRARY_PATH``, the ldconfig cache, ...).
"""

import ctypes
import ctypes.util
import os

from . import errors

# ---------------------------------------------------------------- opaque types


class _Opaque(ctypes.Structure):
    _fields_ = []


class ohs_volumes(_Opaque):
    pass


class ohs_netpolicy(_Opaque):
    pass


class ohs_config(_Opaque):
    pass


class ohs_client(_Opaque):
    pass


class ohs_session(_Opaque):
    pass


class ohs_exec_opts(_Opaque):
    pass


class ohs_exec_result(_Opaque):
    pass


class ohs_shell(_Opaque):
    pass


class ohs_pool(_Opaque):
    pass


class ohs_policy(_Opaque):
    pass


class ohs_findings(_Opaque):
    pass


class ohs_floor(_Opaque):
    pass


class ohs_cancel(_Opaque):
    pass


class ohs_sessions(_Opaque):
    pass


P = ctypes.POINTER
VOLUMES = P(ohs_volumes)
NETPOLICY = P(ohs_netpolicy)
CONFIG = P(ohs_config)
CLIENT = P(ohs_client)
SESSION = P(ohs_session)
EXEC_OPTS = P(ohs_exec_opts)
EXEC_RESULT = P(ohs_exec_result)
SHELL = P(ohs_shell)
POOL = P(ohs_pool)
POLICY = P(ohs_policy)
FINDINGS = P(ohs_findings)
FLOOR = P(ohs_floor)
CANCEL = P(ohs_cancel)
SESSIONS = P(ohs_sessions)

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_long = ctypes.c_long
c_size_t = ctypes.c_size_t
c_int64 = ctypes.c_int64
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
STRV = P(c_char_p)          # const char *const * (NULL-terminated)
OUT_STR = P(c_void_p)       # char ** the caller frees with ohs_free()

# typedef int (*ohs_progress_cb)(const char *status, const char *id,
#                                int64_t current, int64_t total, void *payload);
PROGRESS_CB = ctypes.CFUNCTYPE(c_int, c_char_p, c_char_p, c_int64, c_int64, c_void_p)
# typedef int (*ohs_output_cb)(int stream, const char *data, size_t len, void *payload);
OUTPUT_CB = ctypes.CFUNCTYPE(c_int, c_int, P(ctypes.c_char), c_size_t, c_void_p)
# typedef int (*ohs_reap_cb)(const char *kind, const char *id, const char *name,
#                            const char *reason, void *payload);
REAP_CB = ctypes.CFUNCTYPE(c_int, c_char_p, c_char_p, c_char_p, c_char_p, c_void_p)

# Return kinds: STATUS functions return 0 or a negative OHS_E* code and raise
# on error; the others return a value as is.
STATUS = "status"

# name: (restype, argtypes)   restype STATUS means "int status code"
FUNCTIONS = {
    # common.h
    "ohs_version": (c_char_p, []),
    "ohs_version_number": (c_int, []),
    "ohs_free": (None, [c_void_p]),
    # error.h
    "ohs_strerror": (c_char_p, [c_int]),
    "ohs_error_last": (c_char_p, []),
    "ohs_error_last_code": (c_int, []),
    "ohs_error_last_http_status": (c_int, []),
    "ohs_error_clear": (None, []),
    # volume.h
    "ohs_volumes_new": (STATUS, [P(VOLUMES)]),
    "ohs_volumes_parse": (STATUS, [P(VOLUMES), c_char_p, c_char_p, c_char_p]),
    "ohs_volumes_add": (STATUS, [VOLUMES, c_int, c_char_p, c_char_p, c_int]),
    "ohs_volumes_dup": (STATUS, [P(VOLUMES), VOLUMES]),
    "ohs_volumes_free": (None, [VOLUMES]),
    "ohs_volumes_count": (c_size_t, [VOLUMES]),
    "ohs_volumes_type": (c_int, [VOLUMES, c_size_t]),
    "ohs_volumes_source": (c_char_p, [VOLUMES, c_size_t]),
    "ohs_volumes_target": (c_char_p, [VOLUMES, c_size_t]),
    "ohs_volumes_mode": (c_int, [VOLUMES, c_size_t]),
    "ohs_volumes_workspace": (c_char_p, [VOLUMES]),
    # netpolicy.h
    "ohs_netpolicy_new": (STATUS, [P(NETPOLICY)]),
    "ohs_netpolicy_dup": (STATUS, [P(NETPOLICY), NETPOLICY]),
    "ohs_netpolicy_free": (None, [NETPOLICY]),
    "ohs_netpolicy_set_binding_address": (STATUS, [NETPOLICY, c_char_p]),
    "ohs_netpolicy_binding_address": (c_char_p, [NETPOLICY]),
    "ohs_netpolicy_set_mode": (STATUS, [NETPOLICY, c_char_p]),
    "ohs_netpolicy_mode": (c_char_p, [NETPOLICY]),
    "ohs_netpolicy_set_internal": (STATUS, [NETPOLICY, c_int]),
    "ohs_netpolicy_internal": (c_int, [NETPOLICY]),
    "ohs_netpolicy_add_network": (STATUS, [NETPOLICY, c_char_p]),
    "ohs_netpolicy_parse_networks": (STATUS, [NETPOLICY, c_char_p]),
    "ohs_netpolicy_network_count": (c_size_t, [NETPOLICY]),
    "ohs_netpolicy_network": (c_char_p, [NETPOLICY, c_size_t]),
    "ohs_netpolicy_add_port": (STATUS, [NETPOLICY, c_int, c_char_p, c_char_p, c_int]),
    "ohs_netpolicy_parse_port": (STATUS, [NETPOLICY, c_char_p]),
    "ohs_netpolicy_port_count": (c_size_t, [NETPOLICY]),
    "ohs_netpolicy_port_container": (c_int, [NETPOLICY, c_size_t]),
    "ohs_netpolicy_port_protocol": (c_char_p, [NETPOLICY, c_size_t]),
    "ohs_netpolicy_port_host_ip": (c_char_p, [NETPOLICY, c_size_t]),
    "ohs_netpolicy_port_host": (c_int, [NETPOLICY, c_size_t]),
    # config.h
    "ohs_config_new": (STATUS, [P(CONFIG)]),
    "ohs_config_dup": (STATUS, [P(CONFIG), CONFIG]),
    "ohs_config_free": (None, [CONFIG]),
    "ohs_config_set_image": (STATUS, [CONFIG, c_char_p]),
    "ohs_config_image": (c_char_p, [CONFIG]),
    "ohs_config_set_user": (STATUS, [CONFIG, c_char_p]),
    "ohs_config_user": (c_char_p, [CONFIG]),
    "ohs_config_set_command": (STATUS, [CONFIG, STRV]),
    "ohs_config_command_count": (c_size_t, [CONFIG]),
    "ohs_config_command": (c_char_p, [CONFIG, c_size_t]),
    "ohs_config_set_workdir": (STATUS, [CONFIG, c_char_p]),
    "ohs_config_workdir": (c_char_p, [CONFIG]),
    "ohs_config_set_env": (STATUS, [CONFIG, c_char_p, c_char_p]),
    "ohs_config_env_count": (c_size_t, [CONFIG]),
    "ohs_config_env": (c_char_p, [CONFIG, c_size_t]),
    "ohs_config_set_label": (STATUS, [CONFIG, c_char_p, c_char_p]),
    "ohs_config_label_count": (c_size_t, [CONFIG]),
    "ohs_config_label_key": (c_char_p, [CONFIG, c_size_t]),
    "ohs_config_label_value": (c_char_p, [CONFIG, c_size_t]),
    "ohs_config_volumes": (VOLUMES, [CONFIG]),
    "ohs_config_set_volumes": (STATUS, [CONFIG, VOLUMES]),
    "ohs_config_netpolicy": (NETPOLICY, [CONFIG]),
    "ohs_config_set_netpolicy": (STATUS, [CONFIG, NETPOLICY]),
    "ohs_config_set_memory_limit": (STATUS, [CONFIG, c_int64]),
    "ohs_config_memory_limit": (c_int64, [CONFIG]),
    "ohs_config_set_nano_cpus": (STATUS, [CONFIG, c_int64]),
    "ohs_config_nano_cpus": (c_int64, [CONFIG]),
    "ohs_config_set_pids_limit": (STATUS, [CONFIG, c_int64]),
    "ohs_config_pids_limit": (c_int64, [CONFIG]),
    "ohs_config_set_init": (STATUS, [CONFIG, c_int]),
    "ohs_config_init": (c_int, [CONFIG]),
    "ohs_config_warning_count": (c_size_t, [CONFIG]),
    "ohs_config_warning": (c_char_p, [CONFIG, c_size_t]),
    "ohs_config_add_warning": (STATUS, [CONFIG, c_char_p]),
    "ohs_config_merge_host_config": (STATUS, [CONFIG, c_char_p]),
    "ohs_config_host_config_extra": (c_char_p, [CONFIG]),
    "ohs_config_policy": (POLICY, [CONFIG]),
    "ohs_config_set_policy": (STATUS, [CONFIG, POLICY]),
    "ohs_config_apply_policy": (STATUS, [OUT_STR, P(FINDINGS), CONFIG]),
    "ohs_config_create_body": (STATUS, [OUT_STR, CONFIG]),
    "ohs_config_to_json": (STATUS, [OUT_STR, CONFIG]),
    # env.h
    "ohs_env_load": (STATUS, [P(CONFIG), STRV]),
    "ohs_env_get": (c_char_p, [STRV, c_char_p]),
    # client.h
    "ohs_client_new": (STATUS, [P(CLIENT), STRV]),
    "ohs_client_free": (None, [CLIENT]),
    "ohs_client_api_version": (c_char_p, [CLIENT]),
    "ohs_client_host": (c_char_p, [CLIENT]),
    "ohs_client_warning_count": (c_size_t, [CLIENT]),
    "ohs_client_warning": (c_char_p, [CLIENT, c_size_t]),
    "ohs_client_set_timeouts": (STATUS, [CLIENT, c_long, c_long]),
    "ohs_client_ping": (STATUS, [CLIENT]),
    # session.h
    "ohs_session_create": (STATUS, [P(SESSION), CLIENT, CONFIG, PROGRESS_CB, c_void_p]),
    "ohs_session_start": (STATUS, [SESSION]),
    "ohs_session_open": (STATUS, [P(SESSION), CLIENT, c_char_p]),
    "ohs_session_stop": (STATUS, [SESSION, c_int]),
    "ohs_session_pause": (STATUS, [SESSION]),
    "ohs_session_resume": (STATUS, [SESSION]),
    "ohs_session_remove": (STATUS, [SESSION]),
    "ohs_session_set_keep": (STATUS, [SESSION, c_int]),
    "ohs_session_free": (None, [SESSION]),
    "ohs_session_findings": (FINDINGS, [SESSION]),
    "ohs_session_oom_kills": (STATUS, [P(c_int64), SESSION]),
    "ohs_session_id": (c_char_p, [SESSION]),
    "ohs_session_name": (c_char_p, [SESSION]),
    "ohs_session_port_count": (c_size_t, [SESSION]),
    "ohs_session_port_container": (c_int, [SESSION, c_size_t]),
    "ohs_session_port_host_ip": (c_char_p, [SESSION, c_size_t]),
    "ohs_session_port_host": (c_int, [SESSION, c_size_t]),
    "ohs_session_wait_http": (STATUS, [SESSION, c_int, c_char_p, c_long, c_long]),
    "ohs_exec_opts_new": (STATUS, [P(EXEC_OPTS)]),
    "ohs_exec_opts_free": (None, [EXEC_OPTS]),
    "ohs_exec_opts_set_env": (STATUS, [EXEC_OPTS, c_char_p, c_char_p]),
    "ohs_exec_opts_set_workdir": (STATUS, [EXEC_OPTS, c_char_p]),
    "ohs_exec_opts_set_user": (STATUS, [EXEC_OPTS, c_char_p]),
    "ohs_exec_opts_set_timeout": (STATUS, [EXEC_OPTS, c_long]),
    "ohs_exec_opts_set_output_cap": (STATUS, [EXEC_OPTS, c_size_t]),
    "ohs_exec_opts_set_tty": (STATUS, [EXEC_OPTS, c_int]),
    "ohs_exec_opts_set_output_cb": (STATUS, [EXEC_OPTS, OUTPUT_CB, c_void_p]),
    "ohs_session_exec": (STATUS, [P(EXEC_RESULT), SESSION, STRV, EXEC_OPTS]),
    "ohs_session_exec_shell": (STATUS, [P(EXEC_RESULT), SESSION, c_char_p, EXEC_OPTS]),
    "ohs_exec_result_free": (None, [EXEC_RESULT]),
    "ohs_exec_result_exit_code": (c_int, [EXEC_RESULT]),
    # binary data: c_void_p, read with ctypes.string_at(ptr, len)
    "ohs_exec_result_stdout": (c_void_p, [EXEC_RESULT, P(c_size_t)]),
    "ohs_exec_result_stderr": (c_void_p, [EXEC_RESULT, P(c_size_t)]),
    "ohs_exec_result_truncated": (c_int, [EXEC_RESULT]),
    "ohs_exec_result_timed_out": (c_int, [EXEC_RESULT]),
    "ohs_session_logs": (STATUS, [SESSION, c_int, OUTPUT_CB, c_void_p]),
    "ohs_session_upload": (STATUS, [SESSION, c_char_p, c_char_p]),
    "ohs_session_download": (STATUS, [SESSION, c_char_p, c_char_p]),
    "ohs_reap": (STATUS, [CLIENT, c_uint, P(c_size_t)]),
    "ohs_session_list": (STATUS, [OUT_STR, CLIENT]),
    # shell.h
    "ohs_shell_open": (STATUS, [P(SHELL), SESSION, EXEC_OPTS]),
    "ohs_shell_run": (STATUS, [P(EXEC_RESULT), SHELL, c_char_p, c_long]),
    "ohs_shell_set_output_cap": (STATUS, [SHELL, c_size_t]),
    "ohs_shell_alive": (c_int, [SHELL]),
    "ohs_shell_restarted": (c_int, [SHELL]),
    "ohs_shell_exit_code": (c_int, [SHELL]),
    "ohs_shell_restart": (STATUS, [SHELL]),
    "ohs_shell_close": (STATUS, [SHELL]),
    "ohs_shell_free": (None, [SHELL]),
    # pool.h
    "ohs_pool_new": (STATUS, [P(POOL), CLIENT, CONFIG, c_size_t]),
    "ohs_pool_acquire": (STATUS, [P(SESSION), POOL, c_long]),
    "ohs_pool_release": (STATUS, [POOL, SESSION]),
    "ohs_pool_ready": (c_size_t, [POOL]),
    "ohs_pool_size": (c_size_t, [POOL]),
    "ohs_pool_wait": (STATUS, [POOL, c_size_t, c_long]),
    "ohs_pool_free": (None, [POOL]),
    # policy.h
    "ohs_policy_profile_from_name": (STATUS, [P(c_int), c_char_p]),
    "ohs_policy_mode_from_name": (STATUS, [P(c_int), c_char_p]),
    "ohs_policy_profile_name": (c_char_p, [c_int]),
    "ohs_policy_mode_name": (c_char_p, [c_int]),
    "ohs_policy_new": (STATUS, [P(POLICY), c_char_p, c_char_p]),
    "ohs_policy_dup": (STATUS, [P(POLICY), POLICY]),
    "ohs_policy_free": (None, [POLICY]),
    "ohs_policy_profile": (c_char_p, [POLICY]),
    "ohs_policy_mode": (c_char_p, [POLICY]),
    "ohs_policy_set_home": (STATUS, [POLICY, c_char_p]),
    "ohs_policy_home": (c_char_p, [POLICY]),
    "ohs_policy_set_default_limits": (STATUS, [POLICY, c_int64, c_int64, c_int64]),
    "ohs_policy_default_limits": (STATUS, [P(c_int64), P(c_int64), P(c_int64), POLICY]),
    "ohs_policy_set_default_user": (STATUS, [POLICY, c_char_p]),
    "ohs_policy_default_user": (c_char_p, [POLICY]),
    "ohs_policy_check": (STATUS, [P(FINDINGS), POLICY, c_char_p]),
    "ohs_policy_apply": (STATUS, [OUT_STR, P(FINDINGS), POLICY, c_char_p]),
    "ohs_findings_free": (None, [FINDINGS]),
    "ohs_findings_count": (c_size_t, [FINDINGS]),
    "ohs_findings_refused_count": (c_size_t, [FINDINGS]),
    "ohs_findings_id": (c_char_p, [FINDINGS, c_size_t]),
    "ohs_findings_severity": (c_char_p, [FINDINGS, c_size_t]),
    "ohs_findings_field": (c_char_p, [FINDINGS, c_size_t]),
    "ohs_findings_value": (c_char_p, [FINDINGS, c_size_t]),
    "ohs_findings_message": (c_char_p, [FINDINGS, c_size_t]),
    "ohs_findings_remediation": (c_char_p, [FINDINGS, c_size_t]),
    "ohs_findings_refused": (c_int, [FINDINGS, c_size_t]),
    "ohs_findings_fixed": (c_int, [FINDINGS, c_size_t]),
    "ohs_findings_to_json": (STATUS, [OUT_STR, FINDINGS]),
    # added in 0.2.0 (OHSANDBOX_1.1)
    "ohs_config_set_override_command": (STATUS, [CONFIG, c_int]),
    "ohs_config_override_command": (c_int, [CONFIG]),
    "ohs_override_command_from_name": (STATUS, [P(c_int), c_char_p]),
    "ohs_override_command_name": (c_char_p, [c_int]),
    "ohs_config_set_floor": (STATUS, [CONFIG, FLOOR]),
    "ohs_config_floor": (FLOOR, [CONFIG]),
    "ohs_config_origin": (c_char_p, [CONFIG, c_char_p]),
    "ohs_config_origin_count": (c_size_t, [CONFIG]),
    "ohs_config_origin_setting": (c_char_p, [CONFIG, c_size_t]),
    "ohs_env_load_floor": (STATUS, [P(CONFIG), STRV, FLOOR]),
    "ohs_floor_load": (STATUS, [P(FLOOR), c_char_p]),
    "ohs_floor_parse": (STATUS, [P(FLOOR), c_char_p, c_char_p]),
    "ohs_floor_system": (STATUS, [P(FLOOR)]),
    "ohs_floor_system_path": (c_char_p, []),
    "ohs_floor_dup": (STATUS, [P(FLOOR), FLOOR]),
    "ohs_floor_free": (None, [FLOOR]),
    "ohs_floor_merge": (STATUS, [FLOOR, FLOOR]),
    "ohs_floor_profile": (c_char_p, [FLOOR]),
    "ohs_floor_mode": (c_char_p, [FLOOR]),
    "ohs_floor_runtime": (c_char_p, [FLOOR]),
    "ohs_floor_has_host_paths": (c_int, [FLOOR]),
    "ohs_floor_host_path_count": (c_size_t, [FLOOR]),
    "ohs_floor_host_path": (c_char_p, [FLOOR, c_size_t]),
    "ohs_floor_has_networks": (c_int, [FLOOR]),
    "ohs_floor_network_count": (c_size_t, [FLOOR]),
    "ohs_floor_network": (c_char_p, [FLOOR, c_size_t]),
    "ohs_floor_origin": (c_char_p, [FLOOR, c_char_p]),
    "ohs_policy_set_engine_local": (STATUS, [POLICY, c_int]),
    "ohs_policy_engine_local": (c_int, [POLICY]),
    "ohs_policy_set_engine_socket": (STATUS, [POLICY, c_char_p]),
    "ohs_policy_engine_socket": (c_char_p, [POLICY]),
    "ohs_reap_each": (STATUS, [CLIENT, c_uint, REAP_CB, c_void_p, P(c_size_t)]),
    "ohs_session_create_main": (STATUS, [P(SESSION), CLIENT, CONFIG, STRV, PROGRESS_CB, c_void_p]),
    "ohs_session_run_main": (STATUS, [P(EXEC_RESULT), SESSION, EXEC_OPTS]),
    "ohs_session_download_ex": (STATUS, [SESSION, c_char_p, c_char_p, c_uint, P(c_size_t)]),
    # added in 0.3.0 (API 1.1, still OHSANDBOX_1.1)
    "ohs_cancel_new": (STATUS, [P(CANCEL)]),
    "ohs_cancel_trigger": (STATUS, [CANCEL]),
    "ohs_cancel_triggered": (c_int, [CANCEL]),
    "ohs_cancel_reset": (STATUS, [CANCEL]),
    "ohs_cancel_free": (None, [CANCEL]),
    "ohs_pool_acquire_cancel": (STATUS, [P(SESSION), POOL, c_long, CANCEL]),
    "ohs_pool_wait_cancel": (STATUS, [POOL, c_size_t, c_long, CANCEL]),
    "ohs_session_keep": (STATUS, [SESSION]),
    "ohs_session_port_protocol": (c_char_p, [SESSION, c_size_t]),
    "ohs_session_stop_ms": (STATUS, [SESSION, c_long]),
    "ohs_reap_run": (STATUS, [CLIENT, c_uint, P(c_size_t)]),
    "ohs_sessions_list": (STATUS, [P(SESSIONS), CLIENT]),
    "ohs_sessions_free": (None, [SESSIONS]),
    "ohs_sessions_count": (c_size_t, [SESSIONS]),
    "ohs_sessions_id": (c_char_p, [SESSIONS, c_size_t]),
    "ohs_sessions_name": (c_char_p, [SESSIONS, c_size_t]),
    "ohs_sessions_image": (c_char_p, [SESSIONS, c_size_t]),
    "ohs_sessions_state": (c_char_p, [SESSIONS, c_size_t]),
    "ohs_sessions_session": (c_char_p, [SESSIONS, c_size_t]),
    "ohs_sessions_host": (c_char_p, [SESSIONS, c_size_t]),
    "ohs_sessions_owner_pid": (c_int64, [SESSIONS, c_size_t]),
    "ohs_sessions_owner_alive": (c_int, [SESSIONS, c_size_t]),
    "ohs_sessions_keep": (c_int, [SESSIONS, c_size_t]),
    "ohs_sessions_created": (c_int64, [SESSIONS, c_size_t]),
    "ohs_policy_new_enum": (STATUS, [P(POLICY), c_int, c_int]),
    "ohs_findings_profile": (c_char_p, [FINDINGS]),
    "ohs_findings_mode": (c_char_p, [FINDINGS]),
    "ohs_config_volumes_const": (VOLUMES, [CONFIG]),
    "ohs_config_netpolicy_const": (NETPOLICY, [CONFIG]),
    "ohs_config_policy_const": (POLICY, [CONFIG]),
}

SONAME = "libohsandbox.so.0"


def _load():
    path = os.environ.get("OHSANDBOX_LIBRARY")
    if path:
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            raise ImportError("ohsandbox: cannot load OHSANDBOX_LIBRARY=%r: %s" % (path, e)) from e
    tried = []
    for name in (SONAME, ctypes.util.find_library("ohsandbox")):
        if not name or name in tried:
            continue
        tried.append(name)
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    raise ImportError(
        "ohsandbox: cannot find %s (tried %s); install libohsandbox, set LD_LIBRARY_PATH, "
        "or set OHSANDBOX_LIBRARY to the library's path" % (SONAME, ", ".join(tried)))


lib = _load()
missing = []   # declared functions the loaded library does not export


def _status_errcheck(result, func, args):
    # Runs right after the foreign call, on the same OS thread: the C last
    # error (per thread) is still the one this call set.
    if result < 0:
        raise error_from_last(result)
    return result


def error_from_last(code, prefix=None):
    """The exception for status `code`, from this thread's C last error."""
    msg = lib.ohs_error_last()
    http = lib.ohs_error_last_http_status()
    if msg is None:
        text = lib.ohs_strerror(code).decode("utf-8", "replace")
    else:
        text = msg.decode("utf-8", "replace")
    if prefix:
        text = "%s: %s" % (prefix, text)
    return errors.from_code(code, text, http)


def _missing_function(name):
    def stub(*args, **kwargs):
        raise errors.NotSupported(
            errors.ENOTSUPPORTED,
            "%s is not exported by the loaded libohsandbox (%s): the library is too old"
            % (name, getattr(lib, "_name", "?")), 0)
    stub.__name__ = name
    return stub


class _Functions:
    """Namespace of the declared C functions (C.ohs_x(...))."""


C = _Functions()

for _name, (_restype, _argtypes) in FUNCTIONS.items():
    try:
        _fn = getattr(lib, _name)
    except AttributeError:
        missing.append(_name)
        setattr(C, _name, _missing_function(_name))
        continue
    _fn.argtypes = _argtypes
    if _restype == STATUS:
        _fn.restype = c_int
        _fn.errcheck = _status_errcheck
    else:
        _fn.restype = _restype
    setattr(C, _name, _fn)

del _name, _restype, _argtypes


def have(name):
    """Whether the loaded library exports C function `name`."""
    return name not in missing


# ---------------------------------------------------------------- conversions

def enc(value, what="argument"):
    """str / bytes / os.PathLike / None -> bytes or None for a const char *."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, os.PathLike):
        return os.fsencode(value)
    raise TypeError("%s must be str, bytes or os.PathLike, not %s" % (what, type(value).__name__))


def dec(value):
    """bytes from a const char * getter -> str (None stays None)."""
    if value is None:
        return None
    return value.decode("utf-8", "surrogateescape")


def strv(items, what="argv"):
    """A NULL-terminated char *[] from an iterable of strings (None -> NULL)."""
    if items is None:
        return None
    encoded = [enc(x, what) for x in items]
    arr = (c_char_p * (len(encoded) + 1))(*encoded)
    arr[len(encoded)] = None
    return arr


def envp(env):
    """A NULL-terminated "NAME=value" array from a mapping (None -> os.environ)."""
    if env is None:
        env = os.environ
    items = []
    for k, v in env.items():
        k = enc(k, "environment name")
        v = enc(v, "environment value")
        items.append(k + b"=" + v)
    return strv(items, "environment")


def take_string(ptr):
    """Decode and ohs_free() a char * the caller owns (c_void_p)."""
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8", "surrogateescape")
    finally:
        C.ohs_free(ptr.value)
        ptr.value = None
