package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"context"
	"runtime"
	"time"
)

// Shell is a persistent /bin/sh in a sandbox: commands run one after the
// other in the same shell, keeping its working directory and exported
// variables.  Its calls are serialised with those of its Session; closing
// the Session closes its shells.
type Shell struct {
	p *C.ohs_shell
	s *Session
}

// OpenShell starts /bin/sh in the running sandbox and waits until it
// answers.  opts (may be nil) gives its environment, working directory, user
// and output cap (not Timeout or Output).  ctx is checked before only.
func (s *Session) OpenShell(ctx context.Context, opts *ExecOptions) (*Shell, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err, "open shell")
	}
	if opts == nil {
		opts = &ExecOptions{}
	}
	p, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	o, err := newExecOpts("open shell", opts, 0)
	if err != nil {
		return nil, err
	}
	defer C.ohs_exec_opts_free(o)
	var sh *C.ohs_shell
	if rc := C.ohs_shell_open(&sh, p, o); rc < 0 {
		return nil, lastError(rc)
	}
	out := &Shell{p: sh, s: s}
	if s.shells == nil {
		s.shells = map[*Shell]struct{}{}
	}
	s.shells[out] = struct{}{}
	runtime.SetFinalizer(out, (*Shell).Close)
	return out, nil
}

// closeShells frees the session's shells; s.mu is held.
func (s *Session) closeShells() {
	for sh := range s.shells {
		C.ohs_shell_free(sh.p)
		sh.p = nil
		runtime.SetFinalizer(sh, nil)
	}
	s.shells = nil
}

// lock takes the session lock and returns the shell handle.
func (sh *Shell) lock() (*C.ohs_shell, error) {
	if sh == nil || sh.s == nil {
		return nil, closedError("shell")
	}
	sh.s.mu.Lock()
	if sh.p == nil || sh.s.p == nil {
		sh.s.mu.Unlock()
		return nil, closedError("shell")
	}
	return sh.p, nil
}

func (sh *Shell) do(f func(*C.ohs_shell) C.int) error {
	p, err := sh.lock()
	if err != nil {
		return err
	}
	defer sh.s.mu.Unlock()
	return ccall(func() C.int { return f(p) })
}

// Run runs one command line in the shell itself (stdin from /dev/null) and
// waits for it.  timeout (0: none; shortened to ctx's deadline) kills the
// command's processes and flags the result TimedOut; when ctx's deadline is
// the one that passed, the result comes with an error matching ErrTimeout
// and context.DeadlineExceeded.  A cancellation without deadline is not
// noticed while the command runs.  A dead shell gives ErrState.
func (sh *Shell) Run(ctx context.Context, command string, timeout time.Duration) (*ExecResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxError(err, "shell run")
	}
	if timeout < 0 {
		return nil, invalidf("shell run: timeout must be >= 0")
	}
	byCtx := false
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); timeout == 0 || left < timeout {
			timeout, byCtx = left, true
		}
	}
	cc, err := cstring("command", command)
	if err != nil {
		return nil, err
	}
	defer cfree(cc)
	var r *C.ohs_exec_result
	if err := sh.do(func(p *C.ohs_shell) C.int {
		return C.ohs_shell_run(&r, p, cc, C.long(durationMS(timeout)))
	}); err != nil {
		return nil, err
	}
	defer C.ohs_exec_result_free(r)
	res := execResult(r)
	if res.TimedOut && byCtx {
		return res, &Error{Code: codeTimeout, Message: "shell run: the context deadline passed; the command was killed",
			cause: context.DeadlineExceeded}
	}
	return res, nil
}

// SetOutputCap sets the bytes kept per stream and command (0: 16 MiB).
func (sh *Shell) SetOutputCap(bytes int) error {
	if bytes < 0 {
		return invalidf("shell output cap must be >= 0")
	}
	return sh.do(func(p *C.ohs_shell) C.int { return C.ohs_shell_set_output_cap(p, C.size_t(bytes)) })
}

// Alive reports whether the shell process is known to run.
func (sh *Shell) Alive() bool {
	p, err := sh.lock()
	if err != nil {
		return false
	}
	defer sh.s.mu.Unlock()
	return C.ohs_shell_alive(p) != 0
}

// Restarted reports whether the last Run (or Restart) lost shell state.
func (sh *Shell) Restarted() bool {
	p, err := sh.lock()
	if err != nil {
		return false
	}
	defer sh.s.mu.Unlock()
	return C.ohs_shell_restarted(p) != 0
}

// ExitCode is the exit status of a shell that died (-1 while it runs or
// when unknown).
func (sh *Shell) ExitCode() int {
	p, err := sh.lock()
	if err != nil {
		return -1
	}
	defer sh.s.mu.Unlock()
	return int(C.ohs_shell_exit_code(p))
}

// Restart replaces the shell by a new /bin/sh; its state is lost.
func (sh *Shell) Restart() error {
	return sh.do(func(p *C.ohs_shell) C.int { return C.ohs_shell_restart(p) })
}

// Close ends the shell process and frees the handle.  Idempotent.
func (sh *Shell) Close() error {
	if sh == nil || sh.s == nil {
		return nil
	}
	sh.s.mu.Lock()
	defer sh.s.mu.Unlock()
	if sh.p == nil {
		return nil
	}
	var err error
	if sh.s.p != nil {
		err = ccall(func() C.int { return C.ohs_shell_close(sh.p) })
	}
	C.ohs_shell_free(sh.p)
	sh.p = nil
	delete(sh.s.shells, sh)
	runtime.SetFinalizer(sh, nil)
	return err
}
