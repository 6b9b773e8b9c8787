package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"runtime"
)

// Floor is the operator's floor: a trusted policy that the sandbox
// environment cannot lower.  It pins, each optionally, the weakest profile
// and mode, the host paths bind mounts must lie under, the networks a
// sandbox may join and the OCI runtime.  Floors only add up (Merge).  A
// floor that is no longer modified may be read by many goroutines.
type Floor struct {
	p *C.ohs_floor
}

func newFloor(p *C.ohs_floor) *Floor {
	f := &Floor{p: p}
	runtime.SetFinalizer(f, (*Floor).Close)
	return f
}

// LoadFloor reads a floor from a JSON file (trusted: the caller chose the
// path): ErrNotFound for a missing file, ErrIO for an unreadable one,
// ErrInvalid for the content.
func LoadFloor(path string) (*Floor, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	cs, err := cstring("floor path", path)
	if err != nil {
		return nil, err
	}
	defer cfree(cs)
	var p *C.ohs_floor
	if err := ccall(func() C.int { return C.ohs_floor_load(&p, cs) }); err != nil {
		return nil, err
	}
	return newFloor(p), nil
}

// ParseFloor reads a floor from a JSON text; origin names it in messages
// and provenance ("": "floor JSON").
func ParseFloor(json, origin string) (*Floor, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	cj, err := cstring("floor JSON", json)
	if err != nil {
		return nil, err
	}
	defer cfree(cj)
	co, err := cstringOpt("origin", origin)
	if err != nil {
		return nil, err
	}
	defer cfree(co)
	var p *C.ohs_floor
	if err := ccall(func() C.int { return C.ohs_floor_parse(&p, cj, co) }); err != nil {
		return nil, err
	}
	return newFloor(p), nil
}

// SystemFloor reads the system floor (SystemFloorPath); nil, nil when the
// file does not exist.
func SystemFloor() (*Floor, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	var p *C.ohs_floor
	if err := ccall(func() C.int { return C.ohs_floor_system(&p) }); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, nil
	}
	return newFloor(p), nil
}

// SystemFloorPath is $(sysconfdir)/ohsandbox/policy.json of the library build.
func SystemFloorPath() string { return C.GoString(C.ohs_floor_system_path()) }

// Close frees the floor.  Idempotent.
func (f *Floor) Close() error {
	if f != nil && f.p != nil {
		C.ohs_floor_free(f.p)
		f.p = nil
		runtime.SetFinalizer(f, nil)
	}
	return nil
}

// Clone returns a deep copy.
func (f *Floor) Clone() (*Floor, error) {
	if f == nil || f.p == nil {
		return nil, closedError("floor")
	}
	var p *C.ohs_floor
	err := ccall(func() C.int { return C.ohs_floor_dup(&p, f.p) })
	runtime.KeepAlive(f)
	if err != nil {
		return nil, err
	}
	return newFloor(p), nil
}

// Merge adds src to f: the stricter profile and mode, the intersection of
// host paths and of networks, one runtime (two different runtimes are
// ErrInvalid, and f is then unchanged).
func (f *Floor) Merge(src *Floor) error {
	if f == nil || f.p == nil || src == nil || src.p == nil {
		return closedError("floor")
	}
	err := ccall(func() C.int { return C.ohs_floor_merge(f.p, src.p) })
	runtime.KeepAlive(f)
	runtime.KeepAlive(src)
	return err
}

func (f *Floor) str(get func(*C.ohs_floor) *C.char) string {
	if f == nil || f.p == nil {
		return ""
	}
	v := C.GoString(get(f.p))
	runtime.KeepAlive(f)
	return v
}

// Profile is the pinned profile ("" when the floor leaves it free).
func (f *Floor) Profile() string {
	return f.str(func(p *C.ohs_floor) *C.char { return C.ohs_floor_profile(p) })
}

// Mode is the pinned mode ("" when free).
func (f *Floor) Mode() string {
	return f.str(func(p *C.ohs_floor) *C.char { return C.ohs_floor_mode(p) })
}

// Runtime is the pinned OCI runtime ("" when free).
func (f *Floor) Runtime() string {
	return f.str(func(p *C.ohs_floor) *C.char { return C.ohs_floor_runtime(p) })
}

// HostPaths are the allowed host path prefixes; nil when the floor does not
// restrict them (an empty non-nil list allows none).
func (f *Floor) HostPaths() []string {
	if f == nil || f.p == nil || C.ohs_floor_has_host_paths(f.p) == 0 {
		return nil
	}
	out := make([]string, int(C.ohs_floor_host_path_count(f.p)))
	for i := range out {
		out[i] = C.GoString(C.ohs_floor_host_path(f.p, C.size_t(i)))
	}
	runtime.KeepAlive(f)
	return out
}

// Networks are the allowed networks; nil when the floor does not restrict
// them.
func (f *Floor) Networks() []string {
	if f == nil || f.p == nil || C.ohs_floor_has_networks(f.p) == 0 {
		return nil
	}
	out := make([]string, int(C.ohs_floor_network_count(f.p)))
	for i := range out {
		out[i] = C.GoString(C.ohs_floor_network(f.p, C.size_t(i)))
	}
	runtime.KeepAlive(f)
	return out
}

// Origin is where key ("profile", "mode", "host_paths", "networks",
// "runtime") was pinned ("" when it is not).
func (f *Floor) Origin(key string) string {
	if f == nil || f.p == nil {
		return ""
	}
	ck, err := cstring("floor key", key)
	if err != nil {
		return ""
	}
	defer cfree(ck)
	v := C.GoString(C.ohs_floor_origin(f.p, ck))
	runtime.KeepAlive(f)
	return v
}
