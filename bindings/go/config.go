package ohsandbox

/*
#include "ohsgo.h"
*/
import "C"

import (
	"runtime"
)

// Config is a sandbox configuration: image, user, workdir, env, labels,
// limits, mounts and network policy.  It renders the exact engine create
// body (CreateBody).  Not safe for concurrent modification.
type Config struct {
	p *C.ohs_config
}

func newConfig(p *C.ohs_config) *Config {
	c := &Config{p: p}
	runtime.SetFinalizer(c, (*Config).Close)
	return c
}

// NewConfig returns a config with the library defaults (the build's default
// image, the calling process's uid:gid, workdir /workspace, no mounts, the
// default network policy, an init process).
func NewConfig() (*Config, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	var p *C.ohs_config
	if err := ccall(func() C.int { return C.ohs_config_new(&p) }); err != nil {
		return nil, err
	}
	return newConfig(p), nil
}

// ConfigFromEnv builds a config from OpenHands environment variables
// (SANDBOX_VOLUMES, SANDBOX_USER_ID, SANDBOX_RUNTIME_BINDING_ADDRESS, ...).
// env holds "NAME=value" entries; nil means the process environment
// (os.Environ()).  HOME is taken from the same list.  Invalid input gives an
// error matching ErrInvalid whose message names the variable.
func ConfigFromEnv(env []string) (*Config, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	envp, err := cstrv("environment", envList(env), false)
	if err != nil {
		return nil, err
	}
	defer C.ohsgo_strv_free(envp)
	var p *C.ohs_config
	if err := ccall(func() C.int { return C.ohs_env_load(&p, envp) }); err != nil {
		return nil, err
	}
	return newConfig(p), nil
}

// ConfigFromEnvMap is ConfigFromEnv with the environment given as a map
// (nil: the process environment).
func ConfigFromEnvMap(env map[string]string) (*Config, error) {
	if env == nil {
		return ConfigFromEnv(nil)
	}
	return ConfigFromEnv(envFromMap(env))
}

// Close frees the config.  Idempotent.  Volumes and NetPolicy values
// obtained from it become unusable.
func (c *Config) Close() error {
	if c != nil && c.p != nil {
		C.ohs_config_free(c.p)
		c.p = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// Clone returns a deep copy.
func (c *Config) Clone() (*Config, error) {
	if c == nil || c.p == nil {
		return nil, closedError("config")
	}
	var p *C.ohs_config
	err := ccall(func() C.int { return C.ohs_config_dup(&p, c.p) })
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	return newConfig(p), nil
}

// set runs a setter taking one string argument.
func (c *Config) set(what, v string, f func(*C.ohs_config, *C.char) C.int) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	cs, err := cstring(what, v)
	if err != nil {
		return err
	}
	defer cfree(cs)
	err = ccall(func() C.int { return f(c.p, cs) })
	runtime.KeepAlive(c)
	return err
}

func (c *Config) get(f func(*C.ohs_config) *C.char) string {
	if c == nil || c.p == nil {
		return ""
	}
	s := C.GoString(f(c.p))
	runtime.KeepAlive(c)
	return s
}

// Image is the image reference.
func (c *Config) Image() string {
	return c.get(func(p *C.ohs_config) *C.char { return C.ohs_config_image(p) })
}

// SetImage sets the image reference ("[registry/]name[:tag][@digest]").
func (c *Config) SetImage(ref string) error {
	return c.set("image", ref, func(p *C.ohs_config, s *C.char) C.int { return C.ohs_config_set_image(p, s) })
}

// User is "UID:GID" or a user name.
func (c *Config) User() string {
	return c.get(func(p *C.ohs_config) *C.char { return C.ohs_config_user(p) })
}

// SetUser sets "UID[:GID]" or a user name known inside the image.
func (c *Config) SetUser(user string) error {
	return c.set("user", user, func(p *C.ohs_config, s *C.char) C.int { return C.ohs_config_set_user(p, s) })
}

// Workdir is the container working directory.
func (c *Config) Workdir() string {
	return c.get(func(p *C.ohs_config) *C.char { return C.ohs_config_workdir(p) })
}

// SetWorkdir sets the container working directory (absolute).
func (c *Config) SetWorkdir(path string) error {
	return c.set("workdir", path, func(p *C.ohs_config, s *C.char) C.int { return C.ohs_config_set_workdir(p, s) })
}

// Command is the sandbox's main command (nil: the image's default).
func (c *Config) Command() []string {
	if c == nil || c.p == nil {
		return nil
	}
	defer runtime.KeepAlive(c)
	n := int(C.ohs_config_command_count(c.p))
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = C.GoString(C.ohs_config_command(c.p, C.size_t(i)))
	}
	return out
}

// SetCommand sets the sandbox's main command; nil or empty means the image's
// default.  It only has to keep running; commands run beside it with Exec.
func (c *Config) SetCommand(argv []string) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	v, err := cstrv("command", argv, true)
	if err != nil {
		return err
	}
	defer C.ohsgo_strv_free(v)
	err = ccall(func() C.int { return C.ohs_config_set_command(c.p, v) })
	runtime.KeepAlive(c)
	return err
}

// Env is the container environment as "NAME=value" entries.
func (c *Config) Env() []string {
	if c == nil || c.p == nil {
		return nil
	}
	defer runtime.KeepAlive(c)
	out := make([]string, int(C.ohs_config_env_count(c.p)))
	for i := range out {
		out[i] = C.GoString(C.ohs_config_env(c.p, C.size_t(i)))
	}
	return out
}

// SetEnv sets one container environment variable (replacing its value).
func (c *Config) SetEnv(name, value string) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	cn, err := cstring("env name", name)
	if err != nil {
		return err
	}
	defer cfree(cn)
	cv, err := cstring("env value of "+name, value)
	if err != nil {
		return err
	}
	defer cfree(cv)
	err = ccall(func() C.int { return C.ohs_config_set_env(c.p, cn, cv) })
	runtime.KeepAlive(c)
	return err
}

// Labels are the container labels.
func (c *Config) Labels() map[string]string {
	if c == nil || c.p == nil {
		return nil
	}
	defer runtime.KeepAlive(c)
	n := int(C.ohs_config_label_count(c.p))
	out := make(map[string]string, n)
	for i := 0; i < n; i++ {
		out[C.GoString(C.ohs_config_label_key(c.p, C.size_t(i)))] =
			C.GoString(C.ohs_config_label_value(c.p, C.size_t(i)))
	}
	return out
}

// SetLabel sets one container label (replacing its value).
func (c *Config) SetLabel(key, value string) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	ck, err := cstring("label key", key)
	if err != nil {
		return err
	}
	defer cfree(ck)
	cv, err := cstring("label value of "+key, value)
	if err != nil {
		return err
	}
	defer cfree(cv)
	err = ccall(func() C.int { return C.ohs_config_set_label(c.p, ck, cv) })
	runtime.KeepAlive(c)
	return err
}

// Volumes are the config's mounts, modified in place (borrowed: valid while
// the config is open).
func (c *Config) Volumes() *Volumes {
	if c == nil || c.p == nil {
		return &Volumes{}
	}
	v := &Volumes{p: C.ohs_config_volumes(c.p), owner: c}
	runtime.KeepAlive(c)
	return v
}

// SetVolumes replaces the config's mounts with a copy of v.
func (c *Config) SetVolumes(v *Volumes) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	vp := v.ptr()
	if vp == nil {
		return closedError("volumes")
	}
	err := ccall(func() C.int { return C.ohs_config_set_volumes(c.p, vp) })
	runtime.KeepAlive(c)
	runtime.KeepAlive(v)
	return err
}

// NetPolicy is the config's network policy, modified in place (borrowed:
// valid while the config is open).
func (c *Config) NetPolicy() *NetPolicy {
	if c == nil || c.p == nil {
		return &NetPolicy{}
	}
	n := &NetPolicy{p: C.ohs_config_netpolicy(c.p), owner: c}
	runtime.KeepAlive(c)
	return n
}

// SetNetPolicy replaces the config's network policy with a copy of n.
func (c *Config) SetNetPolicy(n *NetPolicy) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	np := n.ptr()
	if np == nil {
		return closedError("network policy")
	}
	err := ccall(func() C.int { return C.ohs_config_set_netpolicy(c.p, np) })
	runtime.KeepAlive(c)
	runtime.KeepAlive(n)
	return err
}

func (c *Config) setInt64(v int64, f func(*C.ohs_config, C.int64_t) C.int) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	err := ccall(func() C.int { return f(c.p, C.int64_t(v)) })
	runtime.KeepAlive(c)
	return err
}

func (c *Config) getInt64(f func(*C.ohs_config) C.int64_t) int64 {
	if c == nil || c.p == nil {
		return 0
	}
	v := int64(f(c.p))
	runtime.KeepAlive(c)
	return v
}

// MemoryLimit in bytes (0: unlimited).
func (c *Config) MemoryLimit() int64 {
	return c.getInt64(func(p *C.ohs_config) C.int64_t { return C.ohs_config_memory_limit(p) })
}

// SetMemoryLimit sets the memory limit in bytes (0: unlimited).
func (c *Config) SetMemoryLimit(bytes int64) error {
	return c.setInt64(bytes, func(p *C.ohs_config, v C.int64_t) C.int { return C.ohs_config_set_memory_limit(p, v) })
}

// NanoCPUs is the CPU limit in 1e-9 CPUs (0: unlimited).
func (c *Config) NanoCPUs() int64 {
	return c.getInt64(func(p *C.ohs_config) C.int64_t { return C.ohs_config_nano_cpus(p) })
}

// SetNanoCPUs sets the CPU limit in 1e-9 CPUs (0: unlimited).
func (c *Config) SetNanoCPUs(n int64) error {
	return c.setInt64(n, func(p *C.ohs_config, v C.int64_t) C.int { return C.ohs_config_set_nano_cpus(p, v) })
}

// PidsLimit is the process limit (0: unlimited).
func (c *Config) PidsLimit() int64 {
	return c.getInt64(func(p *C.ohs_config) C.int64_t { return C.ohs_config_pids_limit(p) })
}

// SetPidsLimit sets the process limit (0: unlimited).
func (c *Config) SetPidsLimit(n int64) error {
	return c.setInt64(n, func(p *C.ohs_config, v C.int64_t) C.int { return C.ohs_config_set_pids_limit(p, v) })
}

// Init reports whether an init process runs as PID 1.
func (c *Config) Init() bool {
	if c == nil || c.p == nil {
		return false
	}
	v := C.ohs_config_init(c.p) != 0
	runtime.KeepAlive(c)
	return v
}

// SetInit turns the init process on or off.
func (c *Config) SetInit(on bool) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	err := ccall(func() C.int { return C.ohs_config_set_init(c.p, boolInt(on)) })
	runtime.KeepAlive(c)
	return err
}

// Warnings gathered while the config was built (deprecated or ignored
// variables).
func (c *Config) Warnings() []string {
	if c == nil || c.p == nil {
		return nil
	}
	defer runtime.KeepAlive(c)
	out := make([]string, int(C.ohs_config_warning_count(c.p)))
	for i := range out {
		out[i] = C.GoString(C.ohs_config_warning(c.p, C.size_t(i)))
	}
	return out
}

// CreateBody is the exact JSON body of POST /containers/create for this
// config (compact, keys in a fixed order): byte for byte what the C API and
// the CLI produce.
func (c *Config) CreateBody() (string, error) {
	return c.render(func(out **C.char, p *C.ohs_config) C.int { return C.ohs_config_create_body(out, p) })
}

// JSON is the whole resolved configuration as one JSON object (what
// `ohsandbox config --json --show-secrets` prints; without --show-secrets the
// CLI masks the SANDBOX_ENV_* values).
func (c *Config) JSON() (string, error) {
	return c.render(func(out **C.char, p *C.ohs_config) C.int { return C.ohs_config_to_json(out, p) })
}

func (c *Config) render(f func(**C.char, *C.ohs_config) C.int) (string, error) {
	if c == nil || c.p == nil {
		return "", closedError("config")
	}
	var out *C.char
	err := ccall(func() C.int { return f(&out, c.p) })
	runtime.KeepAlive(c)
	if err != nil {
		return "", err
	}
	return takeString(out), nil
}

// EnvGet is the value of name in env ("NAME=value" entries; nil: the process
// environment) as the library reads it, and whether it is set.
func EnvGet(env []string, name string) (string, bool, error) {
	envp, err := cstrv("environment", envList(env), false)
	if err != nil {
		return "", false, err
	}
	defer C.ohsgo_strv_free(envp)
	cn, err := cstring("variable name", name)
	if err != nil {
		return "", false, err
	}
	defer cfree(cn)
	v := C.ohs_env_get(envp, cn)
	if v == nil {
		return "", false, nil
	}
	return C.GoString(v), true, nil
}

// AddWarning records a warning on the config.
func (c *Config) AddWarning(text string) error {
	return c.set("warning", text, func(p *C.ohs_config, s *C.char) C.int { return C.ohs_config_add_warning(p, s) })
}

// Policy is the security policy sessions of this config are created under,
// modified in place (borrowed: valid while the config is open; default
// profile "default", mode "enforce"; ConfigFromEnv reads
// SANDBOX_SECURITY_PROFILE / SANDBOX_SECURITY_MODE).
func (c *Config) Policy() *Policy {
	if c == nil || c.p == nil {
		return &Policy{}
	}
	pol := &Policy{p: C.ohs_config_policy(c.p), owner: c}
	runtime.KeepAlive(c)
	return pol
}

// SetPolicy replaces the config's security policy with a copy of pol.
func (c *Config) SetPolicy(pol *Policy) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	pp := pol.ptr()
	if pp == nil {
		return closedError("policy")
	}
	err := ccall(func() C.int { return C.ohs_config_set_policy(c.p, pp) })
	runtime.KeepAlive(c)
	runtime.KeepAlive(pol)
	return err
}

// MergeHostConfig merges extra HostConfig fields (a JSON object, e.g.
// `{"CapAdd":["NET_ADMIN"]}`) into the create body; they go through the
// security policy like the rest of the body.
func (c *Config) MergeHostConfig(json string) error {
	return c.set("json", json, func(p *C.ohs_config, s *C.char) C.int { return C.ohs_config_merge_host_config(p, s) })
}

// HostConfigExtra is the merged extra HostConfig fields as JSON ("" when none).
func (c *Config) HostConfigExtra() string {
	return c.get(func(p *C.ohs_config) *C.char { return C.ohs_config_host_config_extra(p) })
}

// ApplyPolicy runs the create body through the config's policy: the body
// to send (rewritten under the hardened profile) and the findings.  In
// enforce mode a refused finding gives an error matching ErrPolicy; the
// findings are returned then too (and the body is "").
func (c *Config) ApplyPolicy() (string, []Finding, error) {
	if c == nil || c.p == nil {
		return "", nil, closedError("config")
	}
	var out *C.char
	var f *C.ohs_findings
	err := ccall(func() C.int { return C.ohs_config_apply_policy(&out, &f, c.p) })
	runtime.KeepAlive(c)
	defer C.ohs_findings_free(f)
	return takeString(out), findings(f), err
}

// OverrideCommand values (SANDBOX_OVERRIDE_COMMAND): who decides the
// container's main process.
const (
	OverrideAuto  = "auto"  // a keep-alive only when the image's command would exit at once (default)
	OverrideTrue  = "true"  // always a keep-alive (the ENTRYPOINT still runs)
	OverrideFalse = "false" // always the image's (or the config's) own command
)

// OverrideCommand is SANDBOX_OVERRIDE_COMMAND: "auto", "true" or "false".
func (c *Config) OverrideCommand() string {
	if c == nil || c.p == nil {
		return ""
	}
	v := C.GoString(C.ohs_override_command_name(C.ohs_config_override_command(c.p)))
	runtime.KeepAlive(c)
	return v
}

// SetOverrideCommand sets it from a name: "auto", "true" or "false" (also
// "1"/"0", any case); anything else is ErrInvalid.
func (c *Config) SetOverrideCommand(mode string) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	cs, err := cstring("override command", mode)
	if err != nil {
		return err
	}
	defer cfree(cs)
	var m C.ohs_override_command
	err = ccall(func() C.int {
		if rc := C.ohs_override_command_from_name(&m, cs); rc < 0 {
			return rc
		}
		return C.ohs_config_set_override_command(c.p, m)
	})
	runtime.KeepAlive(c)
	return err
}

// AddFloor adds the operator's floor f: the config keeps a copy, merged
// with the floor it has (stricter of each key; a floor is never removed or
// lowered).
func (c *Config) AddFloor(f *Floor) error {
	if c == nil || c.p == nil {
		return closedError("config")
	}
	if f == nil || f.p == nil {
		return closedError("floor")
	}
	err := ccall(func() C.int { return C.ohs_config_set_floor(c.p, f.p) })
	runtime.KeepAlive(c)
	runtime.KeepAlive(f)
	return err
}

// Floor returns a copy of the config's floor, or nil when it has none.
func (c *Config) Floor() (*Floor, error) {
	if c == nil || c.p == nil {
		return nil, closedError("config")
	}
	fp := C.ohs_config_floor(c.p)
	if fp == nil {
		return nil, nil
	}
	var out *C.ohs_floor
	err := ccall(func() C.int { return C.ohs_floor_dup(&out, fp) })
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	return newFloor(out), nil
}

// Origin is where setting (e.g. "image", "networks") came from ("" when
// none is recorded).
func (c *Config) Origin(setting string) string {
	if c == nil || c.p == nil {
		return ""
	}
	cs, err := cstring("setting", setting)
	if err != nil {
		return ""
	}
	defer cfree(cs)
	v := C.GoString(C.ohs_config_origin(c.p, cs))
	runtime.KeepAlive(c)
	return v
}

// Origins maps every setting with a recorded origin to it.
func (c *Config) Origins() map[string]string {
	out := map[string]string{}
	if c == nil || c.p == nil {
		return out
	}
	n := int(C.ohs_config_origin_count(c.p))
	for i := 0; i < n; i++ {
		key := C.ohs_config_origin_setting(c.p, C.size_t(i))
		out[C.GoString(key)] = C.GoString(C.ohs_config_origin(c.p, key))
	}
	runtime.KeepAlive(c)
	return out
}

// ConfigFromEnvFloor is ConfigFromEnv with one more trusted floor added on
// top of the system one (never in its place); a nil floor adds nothing.
func ConfigFromEnvFloor(env []string, f *Floor) (*Config, error) {
	if compatErr != nil {
		return nil, compatErr
	}
	if f == nil {
		return ConfigFromEnv(env)
	}
	if f.p == nil {
		return nil, closedError("floor")
	}
	envp, err := cstrv("environment", envList(env), false)
	if err != nil {
		return nil, err
	}
	defer C.ohsgo_strv_free(envp)
	var p *C.ohs_config
	err = ccall(func() C.int { return C.ohs_env_load_floor(&p, envp, f.p) })
	runtime.KeepAlive(f)
	if err != nil {
		return nil, err
	}
	return newConfig(p), nil
}
