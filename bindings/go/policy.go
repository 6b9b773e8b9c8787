package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"runtime"
)

// Finding is one result of a policy check.
type Finding struct {
	ID          string // stable id, e.g. "5.4", "ohs-home-writable"
	Severity    string // "critical", "high", "medium", "low"
	Field       string // JSON path, e.g. "HostConfig.Binds[0]"
	Value       string // offending value as text (never a secret's value)
	Message     string
	Remediation string
	Refused     bool // the profile refuses it
	Fixed       bool // the hardened rewrite removed it
}

// Policy checks create bodies against a security profile ("permissive",
// "default", "hardened") in a mode ("enforce", "warn").  Fails closed.  A
// policy that is no longer modified may be used by many goroutines.
//
// A Policy is owned (NewPolicy, Clone: Close frees it) or borrowed from a
// Config (Config.Policy: valid while the config is open).
type Policy struct {
	p     *C.ohs_policy
	owner *Config
}

// NewPolicy returns a policy; "" means profile "default" / mode "enforce".
// An unknown name gives ErrInvalid.
func NewPolicy(profile, mode string) (*Policy, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	cp, err := cstringOpt("profile", profile)
	if err != nil {
		return nil, err
	}
	defer cfree(cp)
	cm, err := cstringOpt("mode", mode)
	if err != nil {
		return nil, err
	}
	defer cfree(cm)
	var p *C.ohs_policy
	if err := ccall(func() C.int { return C.ohs_policy_new(&p, cp, cm) }); err != nil {
		return nil, err
	}
	pol := &Policy{p: p}
	runtime.SetFinalizer(pol, (*Policy).Close)
	return pol, nil
}

// Close frees an owned policy; idempotent; does nothing for a borrowed one.
func (pol *Policy) Close() error {
	if pol != nil && pol.p != nil {
		if pol.owner == nil {
			C.ohs_policy_free(pol.p)
			runtime.SetFinalizer(pol, nil)
		}
		pol.p = nil
		pol.owner = nil
	}
	return nil
}

func (pol *Policy) ptr() *C.ohs_policy {
	if pol == nil || pol.p == nil || (pol.owner != nil && pol.owner.p == nil) {
		return nil
	}
	return pol.p
}

// Clone returns an owned deep copy.
func (pol *Policy) Clone() (*Policy, error) {
	p := pol.ptr()
	if p == nil {
		return nil, closedError("policy")
	}
	var out *C.ohs_policy
	err := ccall(func() C.int { return C.ohs_policy_dup(&out, p) })
	runtime.KeepAlive(pol)
	if err != nil {
		return nil, err
	}
	np := &Policy{p: out}
	runtime.SetFinalizer(np, (*Policy).Close)
	return np, nil
}

// Profile is the canonical profile name.
func (pol *Policy) Profile() string {
	p := pol.ptr()
	if p == nil {
		return ""
	}
	defer runtime.KeepAlive(pol)
	return C.GoString(C.ohs_policy_profile(p))
}

// Mode is the canonical mode name.
func (pol *Policy) Mode() string {
	p := pol.ptr()
	if p == nil {
		return ""
	}
	defer runtime.KeepAlive(pol)
	return C.GoString(C.ohs_policy_mode(p))
}

// Home is the host home directory used by the $HOME checks ("" when unset).
func (pol *Policy) Home() string {
	p := pol.ptr()
	if p == nil {
		return ""
	}
	defer runtime.KeepAlive(pol)
	return C.GoString(C.ohs_policy_home(p))
}

// SetHome sets the host home directory of the $HOME checks ("" disables
// them except for "/").
func (pol *Policy) SetHome(home string) error {
	p := pol.ptr()
	if p == nil {
		return closedError("policy")
	}
	ch, err := cstringOpt("home", home)
	if err != nil {
		return err
	}
	defer cfree(ch)
	defer runtime.KeepAlive(pol)
	return ccall(func() C.int { return C.ohs_policy_set_home(p, ch) })
}

// DefaultUser is the user the hardened rewrite puts in place of root.
func (pol *Policy) DefaultUser() string {
	p := pol.ptr()
	if p == nil {
		return ""
	}
	defer runtime.KeepAlive(pol)
	return C.GoString(C.ohs_policy_default_user(p))
}

// SetDefaultUser sets the user the hardened rewrite puts in place of an
// empty or root user ("" disables that rewrite).
func (pol *Policy) SetDefaultUser(user string) error {
	p := pol.ptr()
	if p == nil {
		return closedError("policy")
	}
	cu, err := cstringOpt("user", user)
	if err != nil {
		return err
	}
	defer cfree(cu)
	defer runtime.KeepAlive(pol)
	return ccall(func() C.int { return C.ohs_policy_set_default_user(p, cu) })
}

// SetDefaultLimits sets the limits the hardened rewrite supplies when a body
// sets none (0: leave unset).
func (pol *Policy) SetDefaultLimits(memoryBytes, nanoCPUs, pids int64) error {
	p := pol.ptr()
	if p == nil {
		return closedError("policy")
	}
	defer runtime.KeepAlive(pol)
	return ccall(func() C.int {
		return C.ohs_policy_set_default_limits(p, C.int64_t(memoryBytes), C.int64_t(nanoCPUs), C.int64_t(pids))
	})
}

// DefaultLimits returns the limits of SetDefaultLimits.
func (pol *Policy) DefaultLimits() (memoryBytes, nanoCPUs, pids int64, err error) {
	p := pol.ptr()
	if p == nil {
		return 0, 0, 0, closedError("policy")
	}
	defer runtime.KeepAlive(pol)
	var m, n, k C.int64_t
	err = ccall(func() C.int { return C.ohs_policy_default_limits(&m, &n, &k, p) })
	return int64(m), int64(n), int64(k), err
}

// Check checks a create body as it is and returns every finding, whatever
// the profile refuses.  A body that is not valid JSON gives ErrInvalid.
func (pol *Policy) Check(createBody string) ([]Finding, error) {
	p := pol.ptr()
	if p == nil {
		return nil, closedError("policy")
	}
	cb, err := cstring("create body", createBody)
	if err != nil {
		return nil, err
	}
	defer cfree(cb)
	defer runtime.KeepAlive(pol)
	var f *C.ohs_findings
	if err := ccall(func() C.int { return C.ohs_policy_check(&f, p, cb) }); err != nil {
		return nil, err
	}
	defer C.ohs_findings_free(f)
	return findings(f), nil
}

// Apply returns the body to send (rewritten for the hardened profile) and
// the findings.  In enforce mode a refused finding gives an error matching
// ErrPolicy that lists each refused check; the findings are returned then
// too (and the body is "").
func (pol *Policy) Apply(createBody string) (string, []Finding, error) {
	p := pol.ptr()
	if p == nil {
		return "", nil, closedError("policy")
	}
	cb, err := cstring("create body", createBody)
	if err != nil {
		return "", nil, err
	}
	defer cfree(cb)
	defer runtime.KeepAlive(pol)
	var out *C.char
	var f *C.ohs_findings
	err = ccall(func() C.int { return C.ohs_policy_apply(&out, &f, p, cb) })
	defer C.ohs_findings_free(f)
	return takeString(out), findings(f), err
}

func findings(f *C.ohs_findings) []Finding {
	if f == nil {
		return nil
	}
	out := make([]Finding, int(C.ohs_findings_count(f)))
	for i := range out {
		ci := C.size_t(i)
		out[i] = Finding{
			ID:          C.GoString(C.ohs_findings_id(f, ci)),
			Severity:    C.GoString(C.ohs_findings_severity(f, ci)),
			Field:       C.GoString(C.ohs_findings_field(f, ci)),
			Value:       C.GoString(C.ohs_findings_value(f, ci)),
			Message:     C.GoString(C.ohs_findings_message(f, ci)),
			Remediation: C.GoString(C.ohs_findings_remediation(f, ci)),
			Refused:     C.ohs_findings_refused(f, ci) != 0,
			Fixed:       C.ohs_findings_fixed(f, ci) != 0,
		}
	}
	return out
}

// Security profiles and modes as the library's enums.
const (
	ProfilePermissive = int(C.OHS_PROFILE_PERMISSIVE)
	ProfileDefault    = int(C.OHS_PROFILE_DEFAULT)
	ProfileHardened   = int(C.OHS_PROFILE_HARDENED)
	ModeEnforce       = int(C.OHS_MODE_ENFORCE)
	ModeWarn          = int(C.OHS_MODE_WARN)
)

// NewPolicyEnum is NewPolicy taking the enums (ProfileHardened, ModeWarn,
// ...); a value out of range is ErrInvalid.
func NewPolicyEnum(profile, mode int) (*Policy, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	var p *C.ohs_policy
	if err := ccall(func() C.int {
		return C.ohs_policy_new_enum(&p, C.ohs_security_profile(profile), C.ohs_security_mode(mode))
	}); err != nil {
		return nil, err
	}
	pol := &Policy{p: p}
	runtime.SetFinalizer(pol, (*Policy).Close)
	return pol, nil
}
