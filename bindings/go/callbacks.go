package ohsandbox

// Callbacks from libohsandbox into Go.  The C trampolines (ohsgo.c) pass a
// runtime/cgo.Handle to a *callbackState as the payload; a panic in user
// code is caught here (it must not unwind through C frames), stops the
// C call, and is re-raised once the call has returned.

/*
#include "ohsgo.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime/cgo"
)

type callbackState struct {
	ctx      context.Context
	output   func(stream int, data []byte) error
	progress ProgressFunc
	reap     ReapFunc

	userErr  error       // the user function's error that stopped the call
	ctxErr   error       // the context error that stopped the call
	panicked interface{} // a panic of the user function
	didPanic bool
}

// check returns non-zero (and records why) when the call must stop.
func (st *callbackState) stop(f func() error) (rc C.int) {
	if st.userErr != nil || st.ctxErr != nil || st.didPanic {
		return C.OHS_ERROR
	}
	if err := st.ctx.Err(); err != nil {
		st.ctxErr = err
		if err == context.DeadlineExceeded {
			return C.OHS_ETIMEOUT
		}
		return C.OHS_ERROR
	}
	if f == nil {
		return 0
	}
	defer func() {
		if p := recover(); p != nil {
			st.panicked, st.didPanic = p, true
			rc = C.OHS_ERROR
		}
	}()
	if err := f(); err != nil {
		st.userErr = err
		return C.OHS_ERROR
	}
	return 0
}

// rethrow re-raises a panic of the user function after the C call.
func (st *callbackState) rethrow() {
	if st.didPanic {
		panic(st.panicked)
	}
}

// wrap explains an error of a call the callback stopped.
func (st *callbackState) wrap(err error, what string) error {
	switch {
	case st.ctxErr != nil:
		e := ctxError(st.ctxErr, what).(*Error)
		e.Message += " (the operation was stopped)"
		return e
	case st.userErr != nil:
		return &Error{Code: codeError, Message: fmt.Sprintf("%s: stopped by the callback: %v", what, st.userErr),
			cause: st.userErr}
	}
	return err
}

//export ohsgoOutput
func ohsgoOutput(stream C.int, data *C.char, n C.size_t, h C.uintptr_t) C.int {
	st := cgo.Handle(h).Value().(*callbackState)
	var f func() error
	if st.output != nil {
		f = func() error { return st.output(int(stream), goBytes(data, n)) }
	}
	return st.stop(f)
}

//export ohsgoProgress
func ohsgoProgress(status, id *C.char, current, total C.int64_t, h C.uintptr_t) C.int {
	st := cgo.Handle(h).Value().(*callbackState)
	var f func() error
	if st.progress != nil {
		f = func() error {
			return st.progress(C.GoString(status), C.GoString(id), int64(current), int64(total))
		}
	}
	return st.stop(f)
}

//export ohsgoReap
func ohsgoReap(kind, id, name, reason *C.char, h C.uintptr_t) C.int {
	st := cgo.Handle(h).Value().(*callbackState)
	var f func() error
	if st.reap != nil {
		f = func() error {
			return st.reap(C.GoString(kind), C.GoString(id), C.GoString(name), C.GoString(reason))
		}
	}
	return st.stop(f)
}
