package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Pool keeps a number of started sandboxes ready to hand out.  Safe for
// use by many goroutines.
type Pool struct {
	mu     sync.RWMutex // Close excludes every other call
	p      *C.ohs_pool
	client *Client
}

// NewPool starts keeping size sandboxes of cfg (copied) on c.  It returns at
// once; background threads make the sandboxes (see Wait).
func NewPool(c *Client, cfg *Config, size int) (*Pool, error) {
	if cfg == nil || cfg.p == nil {
		return nil, invalidf("new pool: config is nil or closed")
	}
	if size < 0 {
		return nil, invalidf("new pool: size %d must be >= 0", size)
	}
	cp, err := c.acquire()
	if err != nil {
		return nil, err
	}
	var p *C.ohs_pool
	err = ccall(func() C.int { return C.ohs_pool_new(&p, cp, cfg.p, C.size_t(size)) })
	runtime.KeepAlive(cfg)
	if err != nil {
		c.release()
		return nil, err
	}
	pool := &Pool{p: p, client: c}
	runtime.SetFinalizer(pool, (*Pool).Close)
	return pool, nil
}

func (pool *Pool) rlock() (*C.ohs_pool, error) {
	if pool == nil {
		return nil, closedError("pool")
	}
	pool.mu.RLock()
	if pool.p == nil {
		pool.mu.RUnlock()
		return nil, closedError("pool")
	}
	return pool.p, nil
}

// waitCancel runs f, one library wait, once: its timeout is ctx's deadline
// (-1: none), and a library cancel handle that a watcher goroutine triggers
// when ctx ends wakes it at once (no polling).  A cancellation or a
// deadline of ctx gives an error unwrapping to the context's error.
func waitCancel(ctx context.Context, what string, f func(ms C.long, c *C.ohs_cancel) error) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err, what)
	}
	ms := C.long(-1)
	hasDeadline := false
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return ctxError(context.DeadlineExceeded, what)
		}
		ms, hasDeadline = C.long(durationMS(left)), true
	}
	var c *C.ohs_cancel
	if ctx.Done() != nil {
		if err := ccall(func() C.int { return C.ohs_cancel_new(&c) }); err != nil {
			return err
		}
		defer C.ohs_cancel_free(c)
		done, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			select {
			case <-ctx.Done():
				C.ohs_cancel_trigger(c)
			case <-done:
			}
		}()
		defer func() { close(done); <-stopped }() // before the handle is freed
	}
	err := f(ms, c)
	if e, ok := err.(*Error); ok {
		switch {
		case e.Code == codeCanceled && ctx.Err() != nil:
			return ctxError(ctx.Err(), what)
		case e.Code == codeTimeout && hasDeadline:
			return ctxError(context.DeadlineExceeded, what)
		}
	}
	return err
}

// Acquire hands over a started sandbox, waiting until one is ready or ctx
// ends (deadline: ErrTimeout and context.DeadlineExceeded).  A failed
// refill is returned at once.  Give it back with Release, or Close it.
func (pool *Pool) Acquire(ctx context.Context) (*Session, error) {
	p, err := pool.rlock()
	if err != nil {
		return nil, err
	}
	defer pool.mu.RUnlock()
	if _, err := pool.client.acquire(); err != nil {
		return nil, err
	}
	var sp *C.ohs_session
	err = waitCancel(ctx, "pool acquire", func(ms C.long, c *C.ohs_cancel) error {
		return ccall(func() C.int { return C.ohs_pool_acquire_cancel(&sp, p, ms, c) })
	})
	if err != nil {
		pool.client.release()
		return nil, err
	}
	s := &Session{p: sp, client: pool.client}
	runtime.SetFinalizer(s, (*Session).Close)
	return s, nil
}

// Release gives back a sandbox acquired from this pool: it is removed in the
// background and s is closed.
func (pool *Pool) Release(s *Session) error {
	p, err := pool.rlock()
	if err != nil {
		return err
	}
	defer pool.mu.RUnlock()
	sp, err := s.lock()
	if err != nil {
		return err
	}
	s.closeShells()
	s.p = nil
	runtime.SetFinalizer(s, nil)
	s.mu.Unlock()
	s.client.release()
	return ccall(func() C.int { return C.ohs_pool_release(p, sp) })
}

// Ready is the number of sandboxes ready to be acquired now.
func (pool *Pool) Ready() int {
	p, err := pool.rlock()
	if err != nil {
		return 0
	}
	defer pool.mu.RUnlock()
	return int(C.ohs_pool_ready(p))
}

// Size is the configured size.
func (pool *Pool) Size() int {
	p, err := pool.rlock()
	if err != nil {
		return 0
	}
	defer pool.mu.RUnlock()
	return int(C.ohs_pool_size(p))
}

// Wait waits until at least count sandboxes are ready or ctx ends; a failed
// refill is returned at once.
func (pool *Pool) Wait(ctx context.Context, count int) error {
	p, err := pool.rlock()
	if err != nil {
		return err
	}
	defer pool.mu.RUnlock()
	if count < 0 {
		return invalidf("pool wait: count %d must be >= 0", count)
	}
	return waitCancel(ctx, "pool wait", func(ms C.long, c *C.ohs_cancel) error {
		return ccall(func() C.int { return C.ohs_pool_wait_cancel(p, C.size_t(count), ms, c) })
	})
}

// Close stops the pool and removes every ready and released sandbox;
// sandboxes still acquired stay valid.  Idempotent.
func (pool *Pool) Close() error {
	if pool == nil {
		return nil
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.p == nil {
		return nil
	}
	C.ohs_pool_free(pool.p)
	pool.p = nil
	runtime.SetFinalizer(pool, nil)
	pool.client.release()
	return nil
}
