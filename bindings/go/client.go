package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

// Client is a connection to a Docker-compatible engine.  Safe for use by
// many goroutines; sessions created from it keep the underlying handle alive
// until they are closed, even when the Client is closed first.
type Client struct {
	mu     sync.Mutex
	p      *C.ohs_client
	refs   int // calls in progress and open sessions
	closed bool
}

// NewClient connects to the engine named by DOCKER_HOST (default
// unix:///var/run/docker.sock; tcp://HOST:PORT; TLS with DOCKER_TLS_VERIFY /
// DOCKER_CERT_PATH) in env ("NAME=value" entries; nil: the process
// environment), pings it and negotiates the API version (DOCKER_API_VERSION
// overrides).  An engine that does not answer gives ErrUnreachable.
func NewClient(env []string) (*Client, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	envp, err := cstrv("environment", envList(env), false)
	if err != nil {
		return nil, err
	}
	defer C.ohsgo_strv_free(envp)
	var p *C.ohs_client
	if err := ccall(func() C.int { return C.ohs_client_new(&p, envp) }); err != nil {
		return nil, err
	}
	c := &Client{p: p}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// acquire returns the handle and holds a reference until release.
func (c *Client) acquire() (*C.ohs_client, error) {
	if c == nil {
		return nil, closedError("client")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.p == nil {
		return nil, closedError("client")
	}
	c.refs++
	return c.p, nil
}

func (c *Client) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refs--
	if c.closed && c.refs == 0 && c.p != nil {
		C.ohs_client_free(c.p)
		c.p = nil
	}
}

// Close releases the client; idempotent.  The connection is freed once the
// sessions made from it are closed too.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	runtime.SetFinalizer(c, nil)
	if c.refs == 0 && c.p != nil {
		C.ohs_client_free(c.p)
		c.p = nil
	}
	return nil
}

// APIVersion is the engine API version in use, e.g. "1.41".
func (c *Client) APIVersion() string {
	p, err := c.acquire()
	if err != nil {
		return ""
	}
	defer c.release()
	return C.GoString(C.ohs_client_api_version(p))
}

// Host is the engine address in use, e.g. "unix:///var/run/docker.sock".
func (c *Client) Host() string {
	p, err := c.acquire()
	if err != nil {
		return ""
	}
	defer c.release()
	return C.GoString(C.ohs_client_host(p))
}

// Warnings are one-line warnings about the connection: plain tcp://
// without TLS, or TLS without verification (DOCKER_CERT_PATH without
// DOCKER_TLS_VERIFY).  Empty for a unix socket or verified TLS.
func (c *Client) Warnings() []string {
	p, err := c.acquire()
	if err != nil {
		return nil
	}
	defer c.release()
	out := make([]string, int(C.ohs_client_warning_count(p)))
	for i := range out {
		out[i] = C.GoString(C.ohs_client_warning(p, C.size_t(i)))
	}
	return out
}

// SetTimeouts sets the connect timeout and the per-request timeout of
// ordinary engine requests (0: none).
func (c *Client) SetTimeouts(connect, request time.Duration) error {
	p, err := c.acquire()
	if err != nil {
		return err
	}
	defer c.release()
	return ccall(func() C.int {
		return C.ohs_client_set_timeouts(p, C.long(durationMS(connect)), C.long(durationMS(request)))
	})
}

// Ping sends GET /_ping.  ctx is checked before the request only.
func (c *Client) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, "ping")
	}
	p, err := c.acquire()
	if err != nil {
		return err
	}
	defer c.release()
	return ccall(func() C.int { return C.ohs_client_ping(p) })
}

// Reap removes this library's sandboxes whose owner process is gone from
// this host (all: every sandbox of this host, kept ones included) and
// returns how many containers were removed.
func Reap(c *Client, all bool) (int, error) {
	p, err := c.acquire()
	if err != nil {
		return 0, err
	}
	defer c.release()
	var flags C.uint
	if all {
		flags = C.OHS_REAP_ALL
	}
	var n C.size_t
	err = ccall(func() C.int { return C.ohs_reap_run(p, flags, &n) })
	return int(n), err
}

// ReapOptions are the options of ReapEach.
type ReapOptions struct {
	All    bool // every sandbox of this host, live owner or kept (OHS_REAP_ALL)
	DryRun bool // decide as usual, remove nothing (OHS_REAP_DRY_RUN)
}

// ReapFunc receives each container or network before it is removed (with
// DryRun: instead): kind "container" or "network", its id and name, and
// why it goes.  Returning an error stops the reap.
type ReapFunc func(kind, id, name, reason string) error

// ReapEach is Reap that reports each container and network to fn (may be
// nil); it returns the number of containers removed (that would be, with
// DryRun).  An error from fn stops it and is returned.
func ReapEach(c *Client, opts *ReapOptions, fn ReapFunc) (int, error) {
	p, err := c.acquire()
	if err != nil {
		return 0, err
	}
	defer c.release()
	var flags C.uint
	if opts != nil && opts.All {
		flags |= C.OHS_REAP_ALL
	}
	if opts != nil && opts.DryRun {
		flags |= C.OHS_REAP_DRY_RUN
	}
	st := &callbackState{ctx: context.Background(), reap: fn}
	h := cgo.NewHandle(st)
	defer h.Delete()
	var n C.size_t
	err = ccall(func() C.int { return C.ohsgo_reap_each(p, flags, C.uintptr_t(h), &n) })
	st.rethrow()
	if err != nil {
		return int(n), st.wrap(err, "reap")
	}
	return int(n), nil
}

// durationMS rounds d up to whole milliseconds (negative: 0).
func durationMS(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// ctxError turns a context error into an *Error (ErrTimeout for a deadline,
// ErrUnspecified for a cancellation) that unwraps to the context error.
func ctxError(err error, what string) error {
	code := codeError
	if err == context.DeadlineExceeded {
		code = codeTimeout
	}
	return &Error{Code: code, Message: what + ": " + err.Error(), cause: err}
}
