package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"runtime"
)

// Port is one published container port.
type Port struct {
	ContainerPort int
	Protocol      string // "tcp" or "udp"
	HostIP        string // the binding address when none was given
	HostPort      int    // 0: chosen by the engine
}

// NetPolicy is a network policy: binding address, network mode, additional
// networks and published ports.  Either owned (NewNetPolicy) or borrowed
// from a Config (Config.NetPolicy: valid while the config is open).
type NetPolicy struct {
	p     *C.ohs_netpolicy
	owner *Config
}

func (n *NetPolicy) ptr() *C.ohs_netpolicy {
	if n == nil || n.p == nil || (n.owner != nil && n.owner.p == nil) {
		return nil
	}
	return n.p
}

func newNetPolicy(p *C.ohs_netpolicy) *NetPolicy {
	n := &NetPolicy{p: p}
	runtime.SetFinalizer(n, (*NetPolicy).Close)
	return n
}

// NewNetPolicy returns the defaults: binding address "0.0.0.0", mode
// "bridge", no networks, no ports.
func NewNetPolicy() (*NetPolicy, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	var p *C.ohs_netpolicy
	if err := ccall(func() C.int { return C.ohs_netpolicy_new(&p) }); err != nil {
		return nil, err
	}
	return newNetPolicy(p), nil
}

// Close frees an owned policy; idempotent; does nothing for a borrowed one.
func (n *NetPolicy) Close() error {
	if n != nil && n.p != nil {
		if n.owner == nil {
			C.ohs_netpolicy_free(n.p)
			runtime.SetFinalizer(n, nil)
		}
		n.p = nil
		n.owner = nil
	}
	return nil
}

// Clone returns an owned deep copy.
func (n *NetPolicy) Clone() (*NetPolicy, error) {
	p := n.ptr()
	if p == nil {
		return nil, closedError("network policy")
	}
	var out *C.ohs_netpolicy
	err := ccall(func() C.int { return C.ohs_netpolicy_dup(&out, p) })
	runtime.KeepAlive(n)
	if err != nil {
		return nil, err
	}
	return newNetPolicy(out), nil
}

func (n *NetPolicy) setString(what, v string, f func(*C.ohs_netpolicy, *C.char) C.int) error {
	p := n.ptr()
	if p == nil {
		return closedError("network policy")
	}
	cs, err := cstring(what, v)
	if err != nil {
		return err
	}
	defer cfree(cs)
	err = ccall(func() C.int { return f(p, cs) })
	runtime.KeepAlive(n)
	return err
}

func (n *NetPolicy) getString(f func(*C.ohs_netpolicy) *C.char) string {
	p := n.ptr()
	if p == nil {
		return ""
	}
	s := C.GoString(f(p))
	runtime.KeepAlive(n)
	return s
}

// BindingAddress is the address published ports bind to.
func (n *NetPolicy) BindingAddress() string {
	return n.getString(func(p *C.ohs_netpolicy) *C.char { return C.ohs_netpolicy_binding_address(p) })
}

// SetBindingAddress sets an IPv4 or IPv6 literal (hostnames are refused).
func (n *NetPolicy) SetBindingAddress(addr string) error {
	return n.setString("binding address", addr, func(p *C.ohs_netpolicy, s *C.char) C.int {
		return C.ohs_netpolicy_set_binding_address(p, s)
	})
}

// Mode is "none", "bridge", "host" or a user network name.
func (n *NetPolicy) Mode() string {
	return n.getString(func(p *C.ohs_netpolicy) *C.char { return C.ohs_netpolicy_mode(p) })
}

// SetMode sets "none", "bridge", "host" or a user network name.
func (n *NetPolicy) SetMode(mode string) error {
	return n.setString("network mode", mode, func(p *C.ohs_netpolicy, s *C.char) C.int {
		return C.ohs_netpolicy_set_mode(p, s)
	})
}

// Internal reports whether the session's own user network is internal.
func (n *NetPolicy) Internal() bool {
	p := n.ptr()
	if p == nil {
		return false
	}
	v := C.ohs_netpolicy_internal(p) != 0
	runtime.KeepAlive(n)
	return v
}

// SetInternal makes the session's own user network internal (no outside access).
func (n *NetPolicy) SetInternal(internal bool) error {
	p := n.ptr()
	if p == nil {
		return closedError("network policy")
	}
	err := ccall(func() C.int { return C.ohs_netpolicy_set_internal(p, boolInt(internal)) })
	runtime.KeepAlive(n)
	return err
}

// AddNetwork adds one additional network by name (duplicates are ignored).
func (n *NetPolicy) AddNetwork(name string) error {
	return n.setString("network name", name, func(p *C.ohs_netpolicy, s *C.char) C.int {
		return C.ohs_netpolicy_add_network(p, s)
	})
}

// ParseNetworks adds the networks of a SANDBOX_ADDITIONAL_NETWORKS value
// (JSON array or Python-literal list).
func (n *NetPolicy) ParseNetworks(value string) error {
	return n.setString("SANDBOX_ADDITIONAL_NETWORKS", value, func(p *C.ohs_netpolicy, s *C.char) C.int {
		return C.ohs_netpolicy_parse_networks(p, s)
	})
}

// Networks are the additional networks, in order.
func (n *NetPolicy) Networks() []string {
	p := n.ptr()
	if p == nil {
		return nil
	}
	defer runtime.KeepAlive(n)
	out := make([]string, int(C.ohs_netpolicy_network_count(p)))
	for i := range out {
		out[i] = C.GoString(C.ohs_netpolicy_network(p, C.size_t(i)))
	}
	return out
}

// AddPort publishes a container port.  Protocol "" means "tcp"; HostIP ""
// means the binding address; HostPort 0 lets the engine choose.
func (n *NetPolicy) AddPort(port Port) error {
	p := n.ptr()
	if p == nil {
		return closedError("network policy")
	}
	proto, err := cstringOpt("protocol", port.Protocol)
	if err != nil {
		return err
	}
	defer cfree(proto)
	hip, err := cstringOpt("host IP", port.HostIP)
	if err != nil {
		return err
	}
	defer cfree(hip)
	err = ccall(func() C.int {
		return C.ohs_netpolicy_add_port(p, C.int(port.ContainerPort), proto, hip, C.int(port.HostPort))
	})
	runtime.KeepAlive(n)
	return err
}

// ParsePort parses and adds a "-p" spec:
// [IP:]HOSTPORT:CONTAINERPORT[/PROTO] or CONTAINERPORT[/PROTO].
func (n *NetPolicy) ParsePort(spec string) error {
	return n.setString("port spec", spec, func(p *C.ohs_netpolicy, s *C.char) C.int {
		return C.ohs_netpolicy_parse_port(p, s)
	})
}

// Ports are the published ports, in order.
func (n *NetPolicy) Ports() []Port {
	p := n.ptr()
	if p == nil {
		return nil
	}
	defer runtime.KeepAlive(n)
	out := make([]Port, int(C.ohs_netpolicy_port_count(p)))
	for i := range out {
		ci := C.size_t(i)
		out[i] = Port{
			ContainerPort: int(C.ohs_netpolicy_port_container(p, ci)),
			Protocol:      C.GoString(C.ohs_netpolicy_port_protocol(p, ci)),
			HostIP:        C.GoString(C.ohs_netpolicy_port_host_ip(p, ci)),
			HostPort:      int(C.ohs_netpolicy_port_host(p, ci)),
		}
	}
	return out
}
