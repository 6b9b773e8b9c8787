package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
)

// Session is one sandbox container.  Its calls are serialised, so it may be
// shared by goroutines (one call runs at a time).  Close frees the handle
// and removes the sandbox unless it was removed or kept; it is idempotent
// and also runs as a finalizer.
type Session struct {
	mu     sync.Mutex
	p      *C.ohs_session
	client *Client
	shells map[*Shell]struct{} // open shells, closed with the session
}

// ProgressFunc receives image pull progress: status (e.g. "Downloading"),
// layer id (may be ""), bytes current/total (0 when unknown).  Returning a
// non-nil error cancels the pull.
type ProgressFunc func(status, id string, current, total int64) error

// NewSession creates a sandbox from cfg (pulling the image when missing)
// and starts it.  ctx cancels an image pull in progress (at its next
// progress message) and is checked between the steps; on any failure
// nothing is left behind.
func (c *Client) NewSession(ctx context.Context, cfg *Config) (*Session, error) {
	s, err := c.CreateSession(ctx, cfg, nil)
	if err != nil {
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// CreateSession creates (but does not start) a sandbox from cfg; progress
// (may be nil) receives image pull progress.
func (c *Client) CreateSession(ctx context.Context, cfg *Config, progress ProgressFunc) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err, "create session")
	}
	if cfg == nil || cfg.p == nil {
		return nil, invalidf("create session: config is nil or closed")
	}
	cp, err := c.acquire()
	if err != nil {
		return nil, err
	}
	st := &callbackState{ctx: ctx, progress: progress}
	h := cgo.NewHandle(st)
	defer h.Delete()
	var p *C.ohs_session
	err = ccall(func() C.int { return C.ohsgo_session_create(&p, cp, cfg.p, C.uintptr_t(h)) })
	runtime.KeepAlive(cfg)
	st.rethrow()
	if err != nil {
		c.release()
		return nil, st.wrap(err, "create session")
	}
	s := &Session{p: p, client: c}
	runtime.SetFinalizer(s, (*Session).Close)
	if err := ctx.Err(); err != nil {
		s.Close()
		return nil, ctxError(err, "create session")
	}
	return s, nil
}

// OpenSession re-opens an existing sandbox of this library by container id
// or name.
func (c *Client) OpenSession(ctx context.Context, id string) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err, "open session")
	}
	cid, err := cstring("session id", id)
	if err != nil {
		return nil, err
	}
	defer cfree(cid)
	cp, err := c.acquire()
	if err != nil {
		return nil, err
	}
	var p *C.ohs_session
	if err := ccall(func() C.int { return C.ohs_session_open(&p, cp, cid) }); err != nil {
		c.release()
		return nil, err
	}
	s := &Session{p: p, client: c}
	runtime.SetFinalizer(s, (*Session).Close)
	return s, nil
}

// SessionInfo describes one of this library's sandboxes on the engine.
type SessionInfo struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Image      string `json:"image"`
	State      string `json:"state"`
	Session    string `json:"session"`
	OwnerPID   int    `json:"owner_pid"`
	OwnerAlive bool   `json:"owner_alive"` // false also when it cannot be told (see OwnerKnown)
	OwnerKnown bool   `json:"-"`           // whether OwnerAlive could be judged on this machine
	Host       string `json:"host"`
	Keep       bool   `json:"keep"`
	Created    int64  `json:"created"`
}

// ListSessions lists this library's sandboxes on the engine.
func ListSessions(c *Client) ([]SessionInfo, error) {
	cp, err := c.acquire()
	if err != nil {
		return nil, err
	}
	defer c.release()
	var l *C.ohs_sessions
	if err := ccall(func() C.int { return C.ohs_sessions_list(&l, cp) }); err != nil {
		return nil, err
	}
	defer C.ohs_sessions_free(l)
	list := make([]SessionInfo, int(C.ohs_sessions_count(l)))
	for i := range list {
		ci := C.size_t(i)
		alive := int(C.ohs_sessions_owner_alive(l, ci))
		list[i] = SessionInfo{
			ID:         C.GoString(C.ohs_sessions_id(l, ci)),
			Name:       C.GoString(C.ohs_sessions_name(l, ci)),
			Image:      C.GoString(C.ohs_sessions_image(l, ci)),
			State:      C.GoString(C.ohs_sessions_state(l, ci)),
			Session:    C.GoString(C.ohs_sessions_session(l, ci)),
			OwnerPID:   int(C.ohs_sessions_owner_pid(l, ci)),
			OwnerAlive: alive == 1,
			OwnerKnown: alive >= 0,
			Host:       C.GoString(C.ohs_sessions_host(l, ci)),
			Keep:       C.ohs_sessions_keep(l, ci) != 0,
			Created:    int64(C.ohs_sessions_created(l, ci)),
		}
	}
	return list, nil
}

// lock takes the session lock and returns the handle, or an ErrState error
// when the session is closed; unlock with s.mu.Unlock().
func (s *Session) lock() (*C.ohs_session, error) {
	if s == nil {
		return nil, closedError("session")
	}
	s.mu.Lock()
	if s.p == nil {
		s.mu.Unlock()
		return nil, closedError("session")
	}
	return s.p, nil
}

// do runs one library call on the session under its lock.
func (s *Session) do(f func(*C.ohs_session) C.int) error {
	p, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	return ccall(func() C.int { return f(p) })
}

// Close frees the handle; a session that was neither removed nor kept is
// removed first (best effort).  Idempotent.
func (s *Session) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return nil
	}
	s.closeShells()
	C.ohs_session_free(s.p)
	s.p = nil
	runtime.SetFinalizer(s, nil)
	s.client.release()
	return nil
}

// Findings is what the security policy found in this session's create body
// (nil for a reopened session).
func (s *Session) Findings() []Finding {
	p, err := s.lock()
	if err != nil {
		return nil
	}
	defer s.mu.Unlock()
	f := C.ohs_session_findings(p)
	if f == nil {
		return nil
	}
	return findings(f)
}

// OOMKills is how many processes of the sandbox the kernel killed for memory.
func (s *Session) OOMKills() (int64, error) {
	var n C.int64_t
	err := s.do(func(p *C.ohs_session) C.int { return C.ohs_session_oom_kills(&n, p) })
	return int64(n), err
}

// ID is the container id ("" once closed).
func (s *Session) ID() string {
	p, err := s.lock()
	if err != nil {
		return ""
	}
	defer s.mu.Unlock()
	return C.GoString(C.ohs_session_id(p))
}

// Name is the container name ("" once closed).
func (s *Session) Name() string {
	p, err := s.lock()
	if err != nil {
		return ""
	}
	defer s.mu.Unlock()
	return C.GoString(C.ohs_session_name(p))
}

// Ports are the published ports as read back from the engine after Start.
func (s *Session) Ports() []Port {
	p, err := s.lock()
	if err != nil {
		return nil
	}
	defer s.mu.Unlock()
	out := make([]Port, int(C.ohs_session_port_count(p)))
	for i := range out {
		ci := C.size_t(i)
		out[i] = Port{
			ContainerPort: int(C.ohs_session_port_container(p, ci)),
			Protocol:      C.GoString(C.ohs_session_port_protocol(p, ci)),
			HostIP:        C.GoString(C.ohs_session_port_host_ip(p, ci)),
			HostPort:      int(C.ohs_session_port_host(p, ci)),
		}
	}
	return out
}

// Start starts the container and reads back its published ports.  ctx is
// checked before the request only.
func (s *Session) Start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, "start session")
	}
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_start(p) })
}

// Stop stops the container (SIGTERM, then SIGKILL after timeout; the
// engine rounds it up to whole seconds).
func (s *Session) Stop(timeout time.Duration) error {
	ms := C.long(durationMS(timeout))
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_stop_ms(p, ms) })
}

// Pause freezes the container's processes.
func (s *Session) Pause() error {
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_pause(p) })
}

// Resume unfreezes the container's processes.
func (s *Session) Resume() error {
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_resume(p) })
}

// Remove removes the container (forced, with its anonymous volumes) and the
// networks this session created.  Idempotent; Close is still needed to free
// the handle.
func (s *Session) Remove() error {
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_remove(p) })
}

// SetKeep marks the session "keep": exempt from Reap, and not removed by
// Close.
func (s *Session) SetKeep(keep bool) error {
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_set_keep(p, boolInt(keep)) })
}

// Keep reports whether the session is kept (SetKeep, or a kept sandbox
// reopened with OpenSession); false once closed.
func (s *Session) Keep() bool {
	p, err := s.lock()
	if err != nil {
		return false
	}
	defer s.mu.Unlock()
	return C.ohs_session_keep(p) == 1
}

// WaitHTTP waits until GET http://HOST_IP:HOST_PORT<path> on the published
// containerPort answers 2xx, for at most timeout (shortened to ctx's
// deadline), polling every interval (0: 100 ms).  A container that exits
// fails at once with ErrState.
func (s *Session) WaitHTTP(ctx context.Context, containerPort int, path string, timeout, interval time.Duration) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, "wait for HTTP")
	}
	byCtx := false
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < timeout {
			timeout, byCtx = left, true
		}
	}
	cpath, err := cstringOpt("path", path)
	if err != nil {
		return err
	}
	defer cfree(cpath)
	err = s.do(func(p *C.ohs_session) C.int {
		return C.ohs_session_wait_http(p, C.int(containerPort), cpath,
			C.long(durationMS(timeout)), C.long(durationMS(interval)))
	})
	if err != nil && byCtx && ctx.Err() != nil {
		err.(*Error).cause = ctx.Err()
	}
	return err
}

// Upload copies a local file or directory into container directory destDir.
// ctx is checked before the transfer only.
func (s *Session) Upload(ctx context.Context, localPath, destDir string) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, "upload")
	}
	cl, err := cstring("local path", localPath)
	if err != nil {
		return err
	}
	defer cfree(cl)
	cd, err := cstring("destination directory", destDir)
	if err != nil {
		return err
	}
	defer cfree(cd)
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_upload(p, cl, cd) })
}

// DownloadOptions are the options of DownloadEx.
type DownloadOptions struct {
	// Symlinks keeps relative symlinks whose target stays inside destDir
	// (OHS_DOWNLOAD_SYMLINKS); without it every symlink is skipped.
	Symlinks bool
}

// DownloadEx is Download with options; it returns the number of archive
// members that were not written (device nodes, FIFOs, sockets, symlinks
// not kept, other special members).
func (s *Session) DownloadEx(ctx context.Context, src, destDir string, opts *DownloadOptions) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, ctxError(err, "download")
	}
	var flags C.uint
	if opts != nil && opts.Symlinks {
		flags |= C.OHS_DOWNLOAD_SYMLINKS
	}
	cs, err := cstring("container path", src)
	if err != nil {
		return 0, err
	}
	defer cfree(cs)
	cd, err := cstring("destination directory", destDir)
	if err != nil {
		return 0, err
	}
	defer cfree(cd)
	var n C.size_t
	err = s.do(func(p *C.ohs_session) C.int { return C.ohs_session_download_ex(p, cs, cd, flags, &n) })
	return int(n), err
}

// Download copies container path src into local directory destDir.  ctx is
// checked before the transfer only.
func (s *Session) Download(ctx context.Context, src, destDir string) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, "download")
	}
	cs, err := cstring("container path", src)
	if err != nil {
		return err
	}
	defer cfree(cs)
	cd, err := cstring("destination directory", destDir)
	if err != nil {
		return err
	}
	defer cfree(cd)
	return s.do(func(p *C.ohs_session) C.int { return C.ohs_session_download(p, cs, cd) })
}

// Logs sends the container's logs (stdout: stream 1, stderr: stream 2) to
// fn; tail lines (0: all).  An error from fn, or ctx ending, stops it.
func (s *Session) Logs(ctx context.Context, tail int, fn func(stream int, data []byte) error) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, "logs")
	}
	if fn == nil {
		return invalidf("logs: the output function is nil")
	}
	st := &callbackState{ctx: ctx, output: fn}
	h := cgo.NewHandle(st)
	defer h.Delete()
	err := s.do(func(p *C.ohs_session) C.int { return C.ohsgo_session_logs(p, C.int(tail), C.uintptr_t(h)) })
	st.rethrow()
	if err != nil {
		return st.wrap(err, "logs")
	}
	return nil
}

// ExecOptions are the options of one Exec; the zero value (or nil) means
// the defaults.
type ExecOptions struct {
	Env     []string // extra "NAME=value" entries
	Workdir string   // "": the config's workdir
	User    string   // "": the config's user
	// Timeout kills the command after this long (0: none).  A timed-out
	// command gives a result with TimedOut set and no error.  ctx's deadline
	// also applies; when it is the earlier one, Exec returns the result AND
	// an error matching ErrTimeout and context.DeadlineExceeded.
	Timeout time.Duration
	// OutputCap is the number of bytes kept per stream (0: 16 MiB); the
	// rest is dropped and Truncated is set.
	OutputCap int
	// Output, when set, receives output as it arrives (stream 1: stdout,
	// 2: stderr; data is a copy).  Returning an error kills the command and
	// Exec returns that error.
	Output func(stream int, data []byte) error
	// Tty runs the command with a terminal: the output is one raw stream,
	// all of it in Stdout, with "\r\n" line endings.
	Tty bool
}

// ExecResult is the outcome of a command.
type ExecResult struct {
	Stdout    []byte
	Stderr    []byte
	ExitCode  int  // 128+N when killed by signal N; 126/127 as the shell reports
	Truncated bool // output beyond OutputCap was dropped
	TimedOut  bool // the command was killed at the timeout
}

// Exec runs argv (no shell) in the sandbox and waits for it.
//
// Context: ctx's deadline becomes the command's timeout (the command is
// killed when it passes; see ExecOptions.Timeout).  A cancellation without a
// deadline is noticed when the command writes output (it is then killed and
// Exec returns an error unwrapping to context.Canceled); a silent command
// runs until it ends or its timeout passes, as the library cannot be
// interrupted in between.
func (s *Session) Exec(ctx context.Context, argv []string, opts *ExecOptions) (*ExecResult, error) {
	if len(argv) == 0 {
		return nil, invalidf("exec: argv is empty (expected the command to run)")
	}
	cargv, err := cstrv("argv", argv, false)
	if err != nil {
		return nil, err
	}
	defer C.ohsgo_strv_free(cargv)
	return s.exec(ctx, fmt.Sprintf("exec %q", argv[0]), opts, func(p *C.ohs_session, out **C.ohs_exec_result, o *C.ohs_exec_opts) C.int {
		return C.ohs_session_exec(out, p, cargv, o)
	})
}

// ExecShell runs a command line with /bin/sh -c; see Exec.
func (s *Session) ExecShell(ctx context.Context, command string, opts *ExecOptions) (*ExecResult, error) {
	ccmd, err := cstring("command", command)
	if err != nil {
		return nil, err
	}
	defer cfree(ccmd)
	return s.exec(ctx, "exec shell", opts, func(p *C.ohs_session, out **C.ohs_exec_result, o *C.ohs_exec_opts) C.int {
		return C.ohs_session_exec_shell(out, p, ccmd, o)
	})
}

func (s *Session) exec(ctx context.Context, what string, opts *ExecOptions,
	run func(*C.ohs_session, **C.ohs_exec_result, *C.ohs_exec_opts) C.int) (*ExecResult, error) {
	if opts == nil {
		opts = &ExecOptions{}
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err, what)
	}
	timeout, byCtx := opts.Timeout, false
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return nil, ctxError(context.DeadlineExceeded, what)
		}
		if timeout == 0 || left < timeout {
			timeout, byCtx = left, true
		}
	}

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	o, err := newExecOpts(what, opts, timeout)
	if err != nil {
		return nil, err
	}
	defer C.ohs_exec_opts_free(o)
	st := &callbackState{ctx: ctx, output: opts.Output}
	if opts.Output != nil || ctx.Done() != nil {
		h := cgo.NewHandle(st)
		defer h.Delete()
		if rc := C.ohsgo_exec_opts_set_output(o, C.uintptr_t(h)); rc < 0 {
			return nil, lastError(rc)
		}
	}

	p, err := s.lock()
	if err != nil {
		return nil, err
	}
	var r *C.ohs_exec_result
	rc := run(p, &r, o)
	if rc < 0 {
		err = lastError(rc) // still on the locked thread
	}
	s.mu.Unlock()
	st.rethrow()
	if err != nil {
		return nil, st.wrap(err, what)
	}
	defer C.ohs_exec_result_free(r)
	res := execResult(r)
	if res.TimedOut && byCtx {
		return res, &Error{Code: codeTimeout, Message: fmt.Sprintf(
			"%s: the context deadline passed after %v; the command was killed", what, timeout.Round(time.Millisecond)),
			cause: context.DeadlineExceeded}
	}
	return res, nil
}

// newExecOpts converts opts (timeout already resolved; 0: none).  The
// caller holds the OS thread lock and frees the result.
func newExecOpts(what string, opts *ExecOptions, timeout time.Duration) (o *C.ohs_exec_opts, err error) {
	if opts.Timeout < 0 || opts.OutputCap < 0 {
		return nil, invalidf("%s: Timeout and OutputCap must be >= 0", what)
	}
	if rc := C.ohs_exec_opts_new(&o); rc < 0 {
		return nil, lastError(rc)
	}
	defer func() {
		if err != nil {
			C.ohs_exec_opts_free(o)
			o = nil
		}
	}()
	for i, e := range opts.Env {
		eq := strings.IndexByte(e, '=')
		if eq <= 0 {
			return nil, invalidf("%s: ExecOptions.Env entry %d (%q) is not NAME=value", what, i+1, e)
		}
		if err := setEnvOpt(o, e[:eq], e[eq+1:]); err != nil {
			return nil, err
		}
	}
	if opts.Workdir != "" {
		if err := setStrOpt("ExecOptions.Workdir", opts.Workdir, func(cs *C.char) C.int {
			return C.ohs_exec_opts_set_workdir(o, cs)
		}); err != nil {
			return nil, err
		}
	}
	if opts.User != "" {
		if err := setStrOpt("ExecOptions.User", opts.User, func(cs *C.char) C.int {
			return C.ohs_exec_opts_set_user(o, cs)
		}); err != nil {
			return nil, err
		}
	}
	if timeout > 0 {
		if rc := C.ohs_exec_opts_set_timeout(o, C.long(durationMS(timeout))); rc < 0 {
			return nil, lastError(rc)
		}
	}
	if opts.OutputCap > 0 {
		if rc := C.ohs_exec_opts_set_output_cap(o, C.size_t(opts.OutputCap)); rc < 0 {
			return nil, lastError(rc)
		}
	}
	if opts.Tty {
		if rc := C.ohs_exec_opts_set_tty(o, 1); rc < 0 {
			return nil, lastError(rc)
		}
	}
	return o, nil
}

// setEnvOpt and setStrOpt pass string options; the caller holds the OS
// thread lock.
func setEnvOpt(o *C.ohs_exec_opts, name, value string) error {
	cn, err := cstring("ExecOptions.Env name", name)
	if err != nil {
		return err
	}
	defer cfree(cn)
	cv, err := cstring("ExecOptions.Env value of "+name, value)
	if err != nil {
		return err
	}
	defer cfree(cv)
	if rc := C.ohs_exec_opts_set_env(o, cn, cv); rc < 0 {
		return lastError(rc)
	}
	return nil
}

func setStrOpt(what, v string, f func(*C.char) C.int) error {
	cs, err := cstring(what, v)
	if err != nil {
		return err
	}
	defer cfree(cs)
	if rc := f(cs); rc < 0 {
		return lastError(rc)
	}
	return nil
}

// execResult copies a library result (the caller frees it).
func execResult(r *C.ohs_exec_result) *ExecResult {
	var n C.size_t
	res := &ExecResult{ExitCode: int(C.ohs_exec_result_exit_code(r))}
	out := C.ohs_exec_result_stdout(r, &n)
	res.Stdout = goBytes(out, n)
	out = C.ohs_exec_result_stderr(r, &n)
	res.Stderr = goBytes(out, n)
	res.Truncated = C.ohs_exec_result_truncated(r) != 0
	res.TimedOut = C.ohs_exec_result_timed_out(r) != 0
	return res
}

// CreateMainSession creates (but does not start) a sandbox whose main
// process is argv, as `docker run IMAGE ARGV` does (the image's ENTRYPOINT
// still applies, SANDBOX_OVERRIDE_COMMAND does not); run it with RunMain.
// progress (may be nil) receives image pull progress.
func (c *Client) CreateMainSession(ctx context.Context, cfg *Config, argv []string, progress ProgressFunc) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err, "create main session")
	}
	if cfg == nil || cfg.p == nil {
		return nil, invalidf("create main session: config is nil or closed")
	}
	cargv, err := cstrv("argv", argv, false)
	if err != nil {
		return nil, err
	}
	defer C.ohsgo_strv_free(cargv)
	cp, err := c.acquire()
	if err != nil {
		return nil, err
	}
	st := &callbackState{ctx: ctx, progress: progress}
	h := cgo.NewHandle(st)
	defer h.Delete()
	var p *C.ohs_session
	err = ccall(func() C.int { return C.ohsgo_session_create_main(&p, cp, cfg.p, cargv, C.uintptr_t(h)) })
	runtime.KeepAlive(cfg)
	st.rethrow()
	if err != nil {
		c.release()
		return nil, st.wrap(err, "create main session")
	}
	s := &Session{p: p, client: c}
	runtime.SetFinalizer(s, (*Session).Close)
	return s, nil
}

// RunMain starts a sandbox made by CreateMainSession, delivers its main
// process's output (opts.Output, opts.OutputCap) and waits for it to exit:
// the result's exit code is the main process's.  opts.Timeout (and ctx's
// deadline) kills the container (TimedOut, exit code 137).  Env, Workdir,
// User and Tty are refused (set them on the config).  The sandbox is not
// removed (Remove or Close).
func (s *Session) RunMain(ctx context.Context, opts *ExecOptions) (*ExecResult, error) {
	return s.exec(ctx, "run main process", opts, func(p *C.ohs_session, out **C.ohs_exec_result, o *C.ohs_exec_opts) C.int {
		return C.ohs_session_run_main(out, p, o)
	})
}
