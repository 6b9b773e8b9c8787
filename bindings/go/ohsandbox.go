// Package ohsandbox runs OpenHands-style AI-agent sandboxes in Docker
// containers through libohsandbox (cgo; the library is found with
// pkg-config).
//
// A Config is built from the OpenHands environment variables
// (ConfigFromEnv) or by hand (NewConfig); a Client talks to the engine named
// by DOCKER_HOST; (*Client).NewSession creates and starts one sandbox, in
// which (*Session).Exec runs commands.  Every handle has an idempotent
// Close and is also released by a finalizer when it becomes unreachable
// (a session that was neither removed nor kept is then removed).
//
// Errors are *Error values carrying the library's code and message;
// errors.Is(err, ErrNotFound) and friends test the error family.
//
// Thread safety: a Client may be shared by many goroutines.  A Session
// serialises its own calls, so it may be shared too.  Config, Volumes,
// NetPolicy and Policy must not be modified from two goroutines at once; a
// Config that is no longer modified may be used by many sessions at once.
package ohsandbox

/*
#cgo pkg-config: libohsandbox
#include "ohsgo.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"unsafe"
)

// HeaderVersionNumber is OHS_VERSION_NUMBER of the headers this package was
// compiled against (0xMMmmpp).
const HeaderVersionNumber = int(C.OHS_VERSION_NUMBER)

// HeaderVersion is OHS_VERSION of the headers this package was compiled against.
const HeaderVersion = C.OHS_VERSION

// Version is the version of the library loaded at run time, e.g. "0.1.0".
func Version() string { return C.GoString(C.ohs_version()) }

// VersionNumber is OHS_VERSION_NUMBER of the library loaded at run time.
func VersionNumber() int { return int(C.ohs_version_number()) }

// compatErr is set when the library loaded at run time is older than the
// headers or has another major version; every constructor returns it.
var compatErr = checkVersion(VersionNumber())

func checkVersion(rt int) error {
	if rt>>16 != HeaderVersionNumber>>16 || rt < HeaderVersionNumber {
		return &Error{Code: codeNotSupported, Message: fmt.Sprintf(
			"libohsandbox %d.%d.%d loaded at run time, but this Go package was built "+
				"against %s headers (need the same major version, not older)",
			rt>>16, (rt>>8)&0xff, rt&0xff, HeaderVersion)}
	}
	return nil
}

// CheckVersion reports whether the library loaded at run time can serve this
// package (same major version, not older than the headers).
func CheckVersion() error { return compatErr }

// ccall runs f, a libohsandbox call returning 0 or a negative OHS_E* code,
// with the goroutine locked to its OS thread, and reads the thread's last
// error on that same thread.
func ccall(f func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if rc := f(); rc < 0 {
		return lastError(rc)
	}
	return nil
}

// lastError builds an *Error from the calling thread's last error; the
// caller holds the OS thread lock since the failing call.
func lastError(rc C.int) error {
	e := &Error{Code: int(rc)}
	if int(C.ohs_error_last_code()) == int(rc) {
		if m := C.ohs_error_last(); m != nil {
			e.Message = C.GoString(m)
		}
		e.HTTPStatus = int(C.ohs_error_last_http_status())
	}
	if e.Message == "" {
		e.Message = C.GoString(C.ohs_strerror(rc))
	}
	return e
}

// cstring converts s for C, refusing embedded NUL bytes (C would silently
// cut the string there).  Free the result with C.free; "" gives "".
func cstring(what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, invalidf("%s %q contains a NUL byte", what, s)
	}
	return C.CString(s), nil
}

// cstringOpt is cstring, but "" gives NULL (the library's default).
func cstringOpt(what, s string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cstring(what, s)
}

func cfree(p *C.char) {
	if p != nil {
		C.free(unsafe.Pointer(p))
	}
}

// cstrv converts a list to a NULL-terminated C array (free with
// C.ohsgo_strv_free).  nil gives NULL when nilOK, else an empty array.
func cstrv(what string, list []string, nilOK bool) (**C.char, error) {
	if list == nil && nilOK {
		return nil, nil
	}
	for i, s := range list {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, invalidf("%s entry %d (%q) contains a NUL byte", what, i+1, s)
		}
	}
	v := C.ohsgo_strv_new(C.size_t(len(list)))
	if v == nil {
		return nil, &Error{Code: codeNoMem, Message: what + ": out of memory"}
	}
	for i, s := range list {
		C.ohsgo_strv_set(v, C.size_t(i), C.CString(s))
	}
	return v, nil
}

// envList returns env, or the process environment when env is nil.
func envList(env []string) []string {
	if env == nil {
		return os.Environ()
	}
	return env
}

// envFromMap turns a map into "NAME=value" entries, sorted by name so the
// result does not depend on map order.
func envFromMap(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// goBytes copies n bytes at p (p may be NULL when n is 0).
func goBytes(p *C.char, n C.size_t) []byte {
	if p == nil || n == 0 {
		return []byte{}
	}
	out := make([]byte, int(n))
	copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	return out
}

// takeString copies a library-allocated string and frees it with ohs_free.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.ohs_free(unsafe.Pointer(p))
	return s
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
