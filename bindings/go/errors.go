package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"fmt"
)

const (
	codeError        = int(C.OHS_ERROR)
	codeInvalid      = int(C.OHS_EINVAL)
	codeNoMem        = int(C.OHS_ENOMEM)
	codeNotFound     = int(C.OHS_ENOTFOUND)
	codeConflict     = int(C.OHS_ECONFLICT)
	codePermission   = int(C.OHS_EPERM)
	codeEngine       = int(C.OHS_EENGINE)
	codeUnreachable  = int(C.OHS_EUNREACHABLE)
	codeTimeout      = int(C.OHS_ETIMEOUT)
	codePolicy       = int(C.OHS_EPOLICY)
	codeNotSupported = int(C.OHS_ENOTSUPPORTED)
	codeIO           = int(C.OHS_EIO)
	codeProtocol     = int(C.OHS_EPROTOCOL)
	codeState        = int(C.OHS_ESTATE)
	codeTLS          = int(C.OHS_ETLS)
	codeCanceled     = int(C.OHS_ECANCELED)
)

// Error is a libohsandbox error: Code is the negative OHS_E* status, Message
// the library's message naming the input and what was expected, HTTPStatus
// the engine's HTTP status when the engine answered (else 0).
//
// errors.Is(err, ErrNotFound) (or any other sentinel) is true when err is an
// *Error of that family.  Errors caused by a context (deadline, cancel) also
// unwrap to context.DeadlineExceeded or context.Canceled.
type Error struct {
	Code       int
	Message    string
	HTTPStatus int

	cause error // context error behind it, if any
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "ohsandbox: " + Strerror(e.Code)
	}
	return "ohsandbox: " + e.Message
}

// Is reports whether target is an *Error with the same code (the sentinels
// ErrInvalid, ErrNotFound, ... are such errors).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// Unwrap returns the context error behind a deadline or cancellation, or nil.
func (e *Error) Unwrap() error { return e.cause }

// Strerror is the library's static description of a status code.
func Strerror(code int) string { return C.GoString(C.ohs_strerror(C.int(code))) }

func sentinel(code int) *Error { return &Error{Code: code, Message: Strerror(code)} }

// Sentinel errors, one per error family; compare with errors.Is.
var (
	ErrUnspecified  = sentinel(codeError)        // unspecified failure
	ErrInvalid      = sentinel(codeInvalid)      // invalid argument or configuration
	ErrNoMemory     = sentinel(codeNoMem)        // out of memory
	ErrNotFound     = sentinel(codeNotFound)     // no such container, image, network, file
	ErrConflict     = sentinel(codeConflict)     // name in use, wrong container state
	ErrPermission   = sentinel(codePermission)   // permission denied (socket, engine 403)
	ErrEngine       = sentinel(codeEngine)       // the engine reported an error (5xx)
	ErrUnreachable  = sentinel(codeUnreachable)  // the engine cannot be reached
	ErrTimeout      = sentinel(codeTimeout)      // a deadline passed
	ErrPolicy       = sentinel(codePolicy)       // the security policy refused the request
	ErrNotSupported = sentinel(codeNotSupported) // feature, scheme or API version not supported
	ErrIO           = sentinel(codeIO)           // local I/O failed
	ErrProtocol     = sentinel(codeProtocol)     // malformed response from the engine
	ErrState        = sentinel(codeState)        // sandbox in an unusable state, or handle closed
	ErrTLS          = sentinel(codeTLS)          // TLS setup or handshake failed
	ErrCanceled     = sentinel(codeCanceled)     // stopped by a cancel handle (a context's cancellation)
)

func invalidf(format string, args ...interface{}) error {
	return &Error{Code: codeInvalid, Message: fmt.Sprintf(format, args...)}
}

func closedError(what string) error {
	return &Error{Code: codeState, Message: what + " is closed"}
}
