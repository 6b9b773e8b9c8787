"""Sandbox sessions (ohs_session): create, start, exec, files, logs, reap."""

import ctypes
import os
import weakref
from collections import namedtuple

from . import _lib
from .errors import OhsError
from ._handle import Handle
from ._lib import C, dec, enc

__all__ = ["ExecResult", "SessionPort", "Session", "Shell", "reap", "reap_each", "list_sessions",
           "DOWNLOAD_SYMLINKS", "REAP_ALL", "REAP_DRY_RUN"]

# protocol ("tcp", "udp", "sctp") is last, so that code unpacking the first
# three fields by position keeps working
SessionPort = namedtuple("SessionPort", "container_port host_ip host_port protocol",
                         defaults=("tcp",))

DOWNLOAD_SYMLINKS = 1   # OHS_DOWNLOAD_SYMLINKS
REAP_ALL = 1            # OHS_REAP_ALL
REAP_DRY_RUN = 2        # OHS_REAP_DRY_RUN


class ExecResult(namedtuple("ExecResult", "stdout stderr exit_code truncated timed_out")):
    """Result of Session.exec(): stdout and stderr (bytes), exit_code (int;
    128+N when killed by signal N), truncated (output beyond the cap was
    dropped), timed_out (the timeout killed the command)."""

    __slots__ = ()

    @property
    def ok(self):
        return self.exit_code == 0 and not self.timed_out

    def check(self):
        """Return self, or raise subprocess.CalledProcessError when the command failed."""
        if not self.ok:
            import subprocess
            raise subprocess.CalledProcessError(self.exit_code, "exec", self.stdout, self.stderr)
        return self


class _Callback:
    """Wraps a Python callable as a C callback; an exception inside it makes
    the callback return non-zero (cancel) and is re-raised after the call."""

    def __init__(self, cftype, fn, adapt):
        self.exc = None

        def trampoline(*args):
            try:
                fn(*adapt(*args))
                return 0
            except BaseException as e:   # noqa: B902 - re-raised after the C call
                self.exc = e
                return 1
        self.cfunc = cftype(trampoline)

    def run(self, call):
        try:
            result = call()
        except OhsError as e:
            if self.exc is not None:
                raise self.exc from e
            raise
        if self.exc is not None:
            raise self.exc
        return result


def _progress_args(status, layer, current, total, payload):
    return dec(status), dec(layer), current, total


def _output_args(stream, data, length, payload):
    return stream, ctypes.string_at(data, length)


def _null_progress():
    return ctypes.cast(None, _lib.PROGRESS_CB)


class _ExecOpts(Handle):
    _free_fn = C.ohs_exec_opts_free

    def __init__(self):
        out = _lib.EXEC_OPTS()
        C.ohs_exec_opts_new(ctypes.byref(out))
        self._init_handle(out)


class Session(Handle):
    """One sandbox container.

    Use as a context manager: the container is removed when the block ends
    (unless ``keep`` was set).  close() frees the handle; like the C library,
    a session that was neither removed nor kept is removed then, also when
    the object is garbage-collected, so a forgotten session leaks no
    container.  A session may be used by one thread at a time.
    """

    _free_fn = C.ohs_session_free

    def __init__(self, *args, **kwargs):
        raise TypeError("use Session.create(client, config), client.create_session(config) "
                        "or Session.open(client, id)")

    @classmethod
    def _from_ptr(cls, ptr, client):
        obj = cls.__new__(cls)
        # the finalizer keeps the client alive until the session is freed
        obj._init_handle(ptr, keepalive=(client,))
        obj.client = client
        obj._shells = weakref.WeakSet()
        client._sessions.add(obj)
        return obj

    @classmethod
    def create(cls, client, config, progress=None):
        """Create (not start) a sandbox from `config`, pulling the image when
        missing.  `progress(status, layer_id, current, total)` is called per
        pull progress message; raising in it cancels the pull."""
        out = _lib.SESSION()
        if progress is None:
            C.ohs_session_create(ctypes.byref(out), client._handle(), config._handle(),
                                 _null_progress(), None)
        else:
            cb = _Callback(_lib.PROGRESS_CB, progress, _progress_args)
            cb.run(lambda: C.ohs_session_create(ctypes.byref(out), client._handle(),
                                                config._handle(), cb.cfunc, None))
        return cls._from_ptr(out, client)

    @classmethod
    def create_main(cls, client, config, argv, progress=None):
        """Create (not start) a sandbox whose main process is `argv`, as
        ``docker run IMAGE ARGV`` does; run it with run_main()."""
        out = _lib.SESSION()
        arr = _lib.strv(list(argv), "argv")
        if progress is None:
            C.ohs_session_create_main(ctypes.byref(out), client._handle(), config._handle(), arr,
                                      _null_progress(), None)
        else:
            cb = _Callback(_lib.PROGRESS_CB, progress, _progress_args)
            cb.run(lambda: C.ohs_session_create_main(ctypes.byref(out), client._handle(),
                                                     config._handle(), arr, cb.cfunc, None))
        return cls._from_ptr(out, client)

    @classmethod
    def open(cls, client, id_or_name):
        """Re-open an existing sandbox of this library by container id or name."""
        out = _lib.SESSION()
        C.ohs_session_open(ctypes.byref(out), client._handle(), enc(id_or_name, "id"))
        return cls._from_ptr(out, client)

    @property
    def findings(self):
        """The security policy's findings for this session's create body
        (a Findings list; None for a reopened session)."""
        from .policy import Findings
        ptr = C.ohs_session_findings(self._handle())
        return Findings._read(ptr) if ptr else None

    def oom_kills(self):
        """How many processes of the sandbox the kernel killed for memory."""
        n = ctypes.c_int64()
        C.ohs_session_oom_kills(ctypes.byref(n), self._handle())
        return n.value

    # -- identity
    @property
    def id(self):
        return dec(C.ohs_session_id(self._handle()))

    @property
    def name(self):
        return dec(C.ohs_session_name(self._handle()))

    @property
    def ports(self):
        """Published ports read back after start(), as SessionPort tuples."""
        h = self._handle()
        return [SessionPort(C.ohs_session_port_container(h, i), dec(C.ohs_session_port_host_ip(h, i)),
                            C.ohs_session_port_host(h, i), dec(C.ohs_session_port_protocol(h, i)))
                for i in range(C.ohs_session_port_count(h))]

    # -- lifecycle
    def start(self):
        C.ohs_session_start(self._handle())
        return self

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL after `timeout` seconds (a float; the engine
        rounds up to whole seconds)."""
        C.ohs_session_stop_ms(self._handle(), max(0, int(round(timeout * 1000))))

    def pause(self):
        C.ohs_session_pause(self._handle())

    def resume(self):
        C.ohs_session_resume(self._handle())

    def remove(self):
        """Remove the container and the networks this session made (idempotent)."""
        C.ohs_session_remove(self._handle())

    @property
    def keep(self):
        """Whether the sandbox is exempt from reap() and kept on close()
        (read from the library: a reopened kept sandbox is kept)."""
        return C.ohs_session_keep(self._handle()) == 1

    @keep.setter
    def keep(self, value):
        C.ohs_session_set_keep(self._handle(), 1 if value else 0)

    def wait_http(self, container_port, path="/", timeout=30.0, interval=0.1):
        """Wait until GET on the published `container_port` answers 2xx (seconds)."""
        C.ohs_session_wait_http(self._handle(), int(container_port), enc(path, "path"),
                                int(timeout * 1000), int(interval * 1000))

    def close(self):
        """Free the handle (removes the sandbox unless it was removed or kept)."""
        for sh in list(getattr(self, "_shells", ())):
            sh.close()
        client = getattr(self, "client", None)
        if client is not None and getattr(client, "_sessions", None) is not None:
            client._sessions.discard(self)
        super().close()

    def _release_to_pool(self):
        # the C pool took the handle (and frees it): forget it without freeing
        for sh in list(getattr(self, "_shells", ())):
            sh.close()
        client = getattr(self, "client", None)
        if client is not None and getattr(client, "_sessions", None) is not None:
            client._sessions.discard(self)
        self._release()

    def __exit__(self, exc_type, exc, tb):
        try:
            if not self.closed and not self.keep:
                try:
                    self.remove()
                except OhsError:
                    if exc_type is None:
                        raise
        finally:
            self.close()
        return False

    # -- exec
    def _opts(self, env, workdir, user, timeout, output_cap):
        o = _ExecOpts()
        h = o._handle()
        for k, v in (env or {}).items():
            C.ohs_exec_opts_set_env(h, enc(k, "env name"), enc(v, "env value"))
        if workdir is not None:
            C.ohs_exec_opts_set_workdir(h, enc(workdir, "workdir"))
        if user is not None:
            C.ohs_exec_opts_set_user(h, enc(user, "user"))
        if timeout:
            C.ohs_exec_opts_set_timeout(h, max(1, int(timeout * 1000)))
        if output_cap:
            C.ohs_exec_opts_set_output_cap(h, int(output_cap))
        return o

    @staticmethod
    def _result(res):
        try:
            n = ctypes.c_size_t()
            p = C.ohs_exec_result_stdout(res, ctypes.byref(n))
            out = ctypes.string_at(p, n.value) if p and n.value else b""
            p = C.ohs_exec_result_stderr(res, ctypes.byref(n))
            err = ctypes.string_at(p, n.value) if p and n.value else b""
            return ExecResult(out, err, C.ohs_exec_result_exit_code(res),
                              bool(C.ohs_exec_result_truncated(res)),
                              bool(C.ohs_exec_result_timed_out(res)))
        finally:
            C.ohs_exec_result_free(res)

    def exec(self, argv, env=None, workdir=None, user=None, timeout=None, output_cap=None,
             on_output=None):
        """Run a command in the sandbox and wait for it.

        `argv` is a list of arguments (no shell), or a str run with
        /bin/sh -c.  `env` adds variables, `workdir`/`user` override the
        config's, `timeout` (seconds) kills the command when it passes
        (the result then has timed_out=True), `output_cap` bounds the bytes
        kept per stream (default 16 MiB).  `on_output(stream, data)` also
        receives the output as it arrives (stream 1 stdout, 2 stderr).
        """
        with self._opts(env, workdir, user, timeout, output_cap) as opts:
            cb = None
            if on_output is not None:
                cb = _Callback(_lib.OUTPUT_CB, on_output, _output_args)
                C.ohs_exec_opts_set_output_cb(opts._handle(), cb.cfunc, None)
            res = _lib.EXEC_RESULT()
            if isinstance(argv, (str, bytes)):
                call = lambda: C.ohs_session_exec_shell(ctypes.byref(res), self._handle(),  # noqa: E731
                                                        enc(argv, "command"), opts._handle())
            else:
                arr = _lib.strv(list(argv), "argv")
                call = lambda: C.ohs_session_exec(ctypes.byref(res), self._handle(), arr,  # noqa: E731
                                                  opts._handle())
            if cb is not None:
                cb.run(call)
            else:
                call()
            return self._result(res)

    def exec_shell(self, command, **kwargs):
        """Run a shell command line with /bin/sh -c (same options as exec())."""
        if not isinstance(command, (str, bytes)):
            raise TypeError("exec_shell: command must be a str")
        return self.exec(command, **kwargs)

    def shell(self, env=None, workdir=None, user=None, output_cap=None):
        """Open a persistent /bin/sh in the running sandbox (see Shell)."""
        return Shell(self, env=env, workdir=workdir, user=user, output_cap=output_cap)

    # -- files and logs
    def upload(self, local, dest_dir):
        """Copy a local file or directory into container directory `dest_dir`."""
        C.ohs_session_upload(self._handle(), enc(os.fspath(local), "local"), enc(dest_dir, "dest_dir"))

    def download(self, src, dest_dir, symlinks=False):
        """Copy container path `src` into local directory `dest_dir`.  Only
        regular files and directories are written (and, with symlinks=True,
        relative symlinks staying inside dest_dir); returns the number of
        archive members skipped."""
        n = ctypes.c_size_t()
        C.ohs_session_download_ex(self._handle(), enc(src, "src"), enc(os.fspath(dest_dir), "dest_dir"),
                                  DOWNLOAD_SYMLINKS if symlinks else 0, ctypes.byref(n))
        return n.value

    def run_main(self, timeout=None, output_cap=None, on_output=None):
        """Start a sandbox made by create_main(), deliver its main process's
        output and wait for it to exit: an ExecResult with its exit code.
        On `timeout` (seconds) the container is killed (timed_out set)."""
        with self._opts(None, None, None, timeout, output_cap) as opts:
            cb = None
            if on_output is not None:
                cb = _Callback(_lib.OUTPUT_CB, on_output, _output_args)
                C.ohs_exec_opts_set_output_cb(opts._handle(), cb.cfunc, None)
            res = _lib.EXEC_RESULT()
            call = lambda: C.ohs_session_run_main(ctypes.byref(res), self._handle(),  # noqa: E731
                                                  opts._handle())
            if cb is not None:
                cb.run(call)
            else:
                call()
            return self._result(res)

    def logs(self, tail=0, on_output=None):
        """Container logs: the last `tail` lines (0: all).  Returns stdout and
        stderr interleaved as bytes, or streams them to on_output(stream, data)
        and returns None."""
        chunks = []
        fn = on_output if on_output is not None else (lambda stream, data: chunks.append(data))
        cb = _Callback(_lib.OUTPUT_CB, fn, _output_args)
        cb.run(lambda: C.ohs_session_logs(self._handle(), int(tail), cb.cfunc, None))
        return None if on_output is not None else b"".join(chunks)

    def __repr__(self):
        if self.closed:
            return "<Session closed>"
        return "<Session id=%s name=%r>" % ((self.id or "")[:12], self.name)


class Shell(Handle):
    """A persistent /bin/sh in a running session: commands run one after the
    other in the shell itself, so the working directory and exported
    variables persist.  Use as a context manager or close() it; closing the
    session closes its shells first.  One thread at a time."""

    _free_fn = C.ohs_shell_free

    def __init__(self, session, env=None, workdir=None, user=None, output_cap=None):
        out = _lib.SHELL()
        with session._opts(env, workdir, user, None, output_cap) as opts:
            C.ohs_shell_open(ctypes.byref(out), session._handle(), opts._handle())
        # the finalizer keeps the session (and so its client) alive
        self._init_handle(out, keepalive=(session,))
        self.session = session
        session._shells.add(self)

    def run(self, command, timeout=None):
        """Run one command line in the shell; returns an ExecResult.  On
        timeout (seconds) the command is killed and timed_out is set."""
        res = _lib.EXEC_RESULT()
        ms = max(1, int(timeout * 1000)) if timeout else 0
        C.ohs_shell_run(ctypes.byref(res), self._handle(), enc(command, "command"), ms)
        return Session._result(res)

    def set_output_cap(self, nbytes):
        C.ohs_shell_set_output_cap(self._handle(), int(nbytes))

    @property
    def alive(self):
        return C.ohs_shell_alive(self._handle()) > 0

    @property
    def restarted(self):
        """True when the last run() or restart() lost the shell's state."""
        return C.ohs_shell_restarted(self._handle()) > 0

    @property
    def exit_code(self):
        """Exit status of a shell that died, else None."""
        code = C.ohs_shell_exit_code(self._handle())
        return None if code < 0 else code

    def restart(self):
        C.ohs_shell_restart(self._handle())

    def end(self):
        """End the shell process; the handle stays valid (not alive)."""
        C.ohs_shell_close(self._handle())

    def close(self):
        session = getattr(self, "session", None)
        if session is not None:
            session._shells.discard(self)
        super().close()

    def __repr__(self):
        if self.closed:
            return "<Shell closed>"
        return "<Shell alive=%r>" % (self.alive,)


def _reap_flags(all, dry_run):
    return (REAP_ALL if all else 0) | (REAP_DRY_RUN if dry_run else 0)


def reap(client, all=False, dry_run=False):
    """Remove this library's sandboxes whose owner process is gone (all=True:
    every sandbox of this host, kept ones included; dry_run=True: remove
    nothing).  Returns the number removed (or that would be)."""
    n = ctypes.c_size_t()
    C.ohs_reap_run(client._handle(), _reap_flags(all, dry_run), ctypes.byref(n))
    return n.value


def _reap_args(kind, cid, name, reason, payload):
    return dec(kind), dec(cid), dec(name), dec(reason)


def reap_each(client, on_item, all=False, dry_run=False):
    """reap() that calls on_item(kind, id, name, reason) for each container
    and network ("container" / "network") before it is removed (with
    dry_run=True: instead).  An exception in on_item stops the reap and is
    re-raised.  Returns the number of containers removed."""
    n = ctypes.c_size_t()
    cb = _Callback(_lib.REAP_CB, on_item, _reap_args)
    cb.run(lambda: C.ohs_reap_each(client._handle(), _reap_flags(all, dry_run), cb.cfunc, None,
                                   ctypes.byref(n)))
    return n.value


def list_sessions(client):
    """This library's sandboxes on the engine: a list of dicts {id, name,
    image, state, session, owner_pid, owner_alive (True, False or None when
    it cannot be told), host, keep, created}."""
    out = _lib.SESSIONS()
    C.ohs_sessions_list(ctypes.byref(out), client._handle())
    try:
        items = []
        for i in range(C.ohs_sessions_count(out)):
            alive = C.ohs_sessions_owner_alive(out, i)
            items.append({
                "id": dec(C.ohs_sessions_id(out, i)),
                "name": dec(C.ohs_sessions_name(out, i)),
                "image": dec(C.ohs_sessions_image(out, i)),
                "state": dec(C.ohs_sessions_state(out, i)),
                "session": dec(C.ohs_sessions_session(out, i)),
                "owner_pid": C.ohs_sessions_owner_pid(out, i),
                "owner_alive": None if alive < 0 else bool(alive),
                "host": dec(C.ohs_sessions_host(out, i)),
                "keep": bool(C.ohs_sessions_keep(out, i)),
                "created": C.ohs_sessions_created(out, i),
            })
        return items
    finally:
        C.ohs_sessions_free(out)
