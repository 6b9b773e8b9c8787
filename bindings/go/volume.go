package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"runtime"
)

// MountType is the kind of a mount.
type MountType int

const (
	MountBind   MountType = C.OHS_MOUNT_BIND   // a host path
	MountVolume MountType = C.OHS_MOUNT_VOLUME // a named Docker volume
)

func (t MountType) String() string {
	switch t {
	case MountBind:
		return "bind"
	case MountVolume:
		return "volume"
	}
	return "unknown"
}

// Mount is one entry of a Volumes list.
type Mount struct {
	Type     MountType
	Source   string // absolute host path (bind) or volume name
	Target   string // absolute container path
	ReadOnly bool
}

// Volumes is an ordered, validated list of mounts (SANDBOX_VOLUMES).  Either
// owned (NewVolumes, ParseVolumes: Close frees it) or borrowed from a Config
// (Config.Volumes: valid while the config is open, Close does nothing).
type Volumes struct {
	p     *C.ohs_volumes
	owner *Config // non-nil: borrowed from this config
}

func (v *Volumes) ptr() *C.ohs_volumes {
	if v == nil || v.p == nil || (v.owner != nil && v.owner.p == nil) {
		return nil
	}
	return v.p
}

func newVolumes(p *C.ohs_volumes) *Volumes {
	v := &Volumes{p: p}
	runtime.SetFinalizer(v, (*Volumes).Close)
	return v
}

// NewVolumes returns an empty list.
func NewVolumes() (*Volumes, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	var p *C.ohs_volumes
	if err := ccall(func() C.int { return C.ohs_volumes_new(&p) }); err != nil {
		return nil, err
	}
	return newVolumes(p), nil
}

// ParseVolumes parses a SANDBOX_VOLUMES value ("host:container[:mode],...").
// home expands "~" and cwd resolves relative host paths; "" means the
// process's $HOME / current directory.
func ParseVolumes(spec, home, cwd string) (*Volumes, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	cs, err := cstring("SANDBOX_VOLUMES", spec)
	if err != nil {
		return nil, err
	}
	defer cfree(cs)
	ch, err := cstringOpt("home", home)
	if err != nil {
		return nil, err
	}
	defer cfree(ch)
	cc, err := cstringOpt("cwd", cwd)
	if err != nil {
		return nil, err
	}
	defer cfree(cc)
	var p *C.ohs_volumes
	if err := ccall(func() C.int { return C.ohs_volumes_parse(&p, cs, ch, cc) }); err != nil {
		return nil, err
	}
	return newVolumes(p), nil
}

// Close frees an owned list; idempotent; does nothing for a borrowed one.
func (v *Volumes) Close() error {
	if v != nil && v.p != nil {
		if v.owner == nil {
			C.ohs_volumes_free(v.p)
			runtime.SetFinalizer(v, nil)
		}
		v.p = nil
		v.owner = nil
	}
	return nil
}

// Clone returns an owned deep copy.
func (v *Volumes) Clone() (*Volumes, error) {
	p := v.ptr()
	if p == nil {
		return nil, closedError("volumes")
	}
	var out *C.ohs_volumes
	err := ccall(func() C.int { return C.ohs_volumes_dup(&out, p) })
	runtime.KeepAlive(v)
	if err != nil {
		return nil, err
	}
	return newVolumes(out), nil
}

// Add appends one mount (same rules as ParseVolumes).
func (v *Volumes) Add(m Mount) error {
	p := v.ptr()
	if p == nil {
		return closedError("volumes")
	}
	cs, err := cstring("mount source", m.Source)
	if err != nil {
		return err
	}
	defer cfree(cs)
	ct, err := cstring("mount target", m.Target)
	if err != nil {
		return err
	}
	defer cfree(ct)
	mode := C.ohs_mount_mode(C.OHS_MOUNT_RW)
	if m.ReadOnly {
		mode = C.OHS_MOUNT_RO
	}
	err = ccall(func() C.int { return C.ohs_volumes_add(p, C.ohs_mount_type(m.Type), cs, ct, mode) })
	runtime.KeepAlive(v)
	return err
}

// Len is the number of mounts.
func (v *Volumes) Len() int {
	p := v.ptr()
	if p == nil {
		return 0
	}
	n := int(C.ohs_volumes_count(p))
	runtime.KeepAlive(v)
	return n
}

// List returns a copy of every mount, in order.
func (v *Volumes) List() []Mount {
	p := v.ptr()
	if p == nil {
		return nil
	}
	defer runtime.KeepAlive(v)
	out := make([]Mount, int(C.ohs_volumes_count(p)))
	for i := range out {
		ci := C.size_t(i)
		out[i] = Mount{
			Type:     MountType(C.ohs_volumes_type(p, ci)),
			Source:   C.GoString(C.ohs_volumes_source(p, ci)),
			Target:   C.GoString(C.ohs_volumes_target(p, ci)),
			ReadOnly: C.ohs_volumes_mode(p, ci) == C.OHS_MOUNT_RO,
		}
	}
	return out
}

// Workspace is the host source mounted on /workspace, or "" when none.
func (v *Volumes) Workspace() string {
	p := v.ptr()
	if p == nil {
		return ""
	}
	s := C.ohs_volumes_workspace(p)
	defer runtime.KeepAlive(v)
	if s == nil {
		return ""
	}
	return C.GoString(s)
}
