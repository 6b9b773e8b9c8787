package ohsandbox

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	if err := CheckVersion(); err != nil {
		t.Fatal(err)
	}
	if VersionNumber() < 0x000100 || VersionNumber() < HeaderVersionNumber {
		t.Fatalf("run-time version %#06x, headers %#06x", VersionNumber(), HeaderVersionNumber)
	}
	if Version() == "" || !strings.HasPrefix(HeaderVersion, "0.") {
		t.Fatalf("Version() %q, HeaderVersion %q", Version(), HeaderVersion)
	}
	// The run-time check refuses an older library and another major version.
	for _, v := range []int{HeaderVersionNumber - 1, 0x010000 | HeaderVersionNumber} {
		if err := checkVersion(v); !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), HeaderVersion) {
			t.Errorf("checkVersion(%#06x) = %v, want ErrNotSupported naming %s", v, err, HeaderVersion)
		}
	}
	if err := checkVersion(HeaderVersionNumber); err != nil {
		t.Errorf("checkVersion(headers) = %v", err)
	}
}

func TestErrorsIs(t *testing.T) {
	e := &Error{Code: codeNotFound, Message: "no such container \"x\"", HTTPStatus: 404}
	var err error = e
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) || errors.Is(err, ErrConflict) {
		t.Fatal("errors.Is does not follow the code")
	}
	var got *Error
	if !errors.As(err, &got) || got.HTTPStatus != 404 || got.Message != e.Message {
		t.Fatalf("errors.As: %#v", got)
	}
	if err.Error() != `ohsandbox: no such container "x"` {
		t.Fatalf("Error() = %q", err.Error())
	}
	sentinels := []*Error{ErrUnspecified, ErrInvalid, ErrNoMemory, ErrNotFound, ErrConflict, ErrPermission,
		ErrEngine, ErrUnreachable, ErrTimeout, ErrPolicy, ErrNotSupported, ErrIO, ErrProtocol, ErrState, ErrTLS}
	for i, s := range sentinels {
		if s.Code != -(i+1) || s.Message == "" || strings.Contains(s.Message, "unknown") {
			t.Errorf("sentinel %d: %#v", i, s)
		}
		for j, o := range sentinels {
			if errors.Is(s, o) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", s, o, i != j)
			}
		}
	}
}

func TestNewConfigDefaults(t *testing.T) {
	c, err := NewConfig()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Image() == "" || c.User() == "" || c.Workdir() != "/workspace" || !c.Init() {
		t.Fatalf("defaults: image %q user %q workdir %q init %v", c.Image(), c.User(), c.Workdir(), c.Init())
	}
	if c.Volumes().Len() != 0 || c.NetPolicy().Mode() != "bridge" || c.NetPolicy().BindingAddress() != "0.0.0.0" {
		t.Fatalf("defaults: %d volumes, mode %q", c.Volumes().Len(), c.NetPolicy().Mode())
	}
}

// sampleEnv is a full OpenHands environment over a temporary directory.
func sampleEnv(t *testing.T) ([]string, string) {
	tmp := t.TempDir()
	for _, d := range []string{"code", "home/proj"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + tmp + "/home",
		"SANDBOX_VOLUMES=" + tmp + "/code:/workspace:rw, ~/proj:/data:ro",
		"SANDBOX_USER_ID=1234",
		"SANDBOX_GROUP_ID=99",
		"SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1",
		"SANDBOX_ADDITIONAL_NETWORKS=['net-a', 'net_b']",
		"AGENT_SERVER_IMAGE_REPOSITORY=ohs-test",
		"AGENT_SERVER_IMAGE_TAG=latest",
		"SANDBOX_ENV_FOO=bar",
	}, tmp
}

func TestConfigFromEnv(t *testing.T) {
	env, tmp := sampleEnv(t)
	c, err := ConfigFromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Image() != "ohs-test:latest" || c.User() != "1234:99" || c.Workdir() != "/workspace" {
		t.Fatalf("image %q user %q workdir %q", c.Image(), c.User(), c.Workdir())
	}
	want := []Mount{
		{Type: MountBind, Source: tmp + "/code", Target: "/workspace"},
		{Type: MountBind, Source: tmp + "/home/proj", Target: "/data", ReadOnly: true},
	}
	if got := c.Volumes().List(); !reflect.DeepEqual(got, want) {
		t.Fatalf("volumes %+v, want %+v", got, want)
	}
	if c.Volumes().Workspace() != tmp+"/code" {
		t.Fatalf("workspace %q", c.Volumes().Workspace())
	}
	np := c.NetPolicy()
	if np.BindingAddress() != "127.0.0.1" || !reflect.DeepEqual(np.Networks(), []string{"net-a", "net_b"}) {
		t.Fatalf("binding %q networks %q", np.BindingAddress(), np.Networks())
	}
	found := false
	for _, e := range c.Env() {
		found = found || e == "FOO=bar"
	}
	if !found {
		t.Fatalf("env %q lacks FOO=bar", c.Env())
	}
	if len(c.Warnings()) != 0 {
		t.Fatalf("warnings %q", c.Warnings())
	}
	// The same through a map.
	m := map[string]string{}
	for _, e := range env {
		kv := strings.SplitN(e, "=", 2)
		m[kv[0]] = kv[1]
	}
	c2, err := ConfigFromEnvMap(m)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	b1, _ := c.CreateBody()
	b2, _ := c2.CreateBody()
	if b1 != b2 || b1 == "" {
		t.Fatalf("map and list differ:\n%s\n%s", b1, b2)
	}
	// A deprecated variable is a warning, not an error.
	c3, err := ConfigFromEnv([]string{"HOME=" + tmp + "/home", "WORKSPACE_BASE=" + tmp + "/code"})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if w := strings.Join(c3.Warnings(), "\n"); !strings.Contains(w, "SANDBOX_VOLUMES="+tmp+"/code:/workspace:rw") {
		t.Fatalf("WORKSPACE_BASE warning: %q", w)
	}
	// nil means the process environment.
	t.Setenv("SANDBOX_USER_ID", "4321")
	t.Setenv("SANDBOX_GROUP_ID", "")
	c4, err := ConfigFromEnv(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c4.Close()
	if !strings.HasPrefix(c4.User(), "4321") {
		t.Fatalf("process environment not used: user %q", c4.User())
	}
}

func TestConfigFromEnvInvalid(t *testing.T) {
	cases := []struct{ entry, needle string }{
		{"SANDBOX_VOLUMES=/a:/b:rx", "SANDBOX_VOLUMES entry 1"},
		{"SANDBOX_VOLUMES=/a:/w,/data:data:ro", `SANDBOX_VOLUMES entry 2 ("/data:data:ro")`},
		{"SANDBOX_USER_ID=x", "SANDBOX_USER_ID"},
		{"SANDBOX_RUNTIME_BINDING_ADDRESS=localhost", "SANDBOX_RUNTIME_BINDING_ADDRESS"},
		{"SANDBOX_ADDITIONAL_NETWORKS=[1", "SANDBOX_ADDITIONAL_NETWORKS"},
	}
	for _, tc := range cases {
		c, err := ConfigFromEnv([]string{"HOME=/tmp", tc.entry})
		if c != nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: config %v, error %v; want ErrInvalid", tc.entry, c, err)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, tc.needle) || e.HTTPStatus != 0 {
			t.Errorf("%s: message %q does not name %q", tc.entry, e.Message, tc.needle)
		}
		if errors.Is(err, ErrNotFound) {
			t.Errorf("%s: matches ErrNotFound too", tc.entry)
		}
	}
	// A NUL byte is refused by the binding before C could cut the string.
	if _, err := ConfigFromEnv([]string{"SANDBOX_USER_ID=1\x002"}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "NUL") {
		t.Errorf("NUL in env: %v", err)
	}
}

func TestConfigSetters(t *testing.T) {
	c, err := NewConfig()
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.SetImage("ohs-test:latest"))
	must(c.SetUser("1000:1000"))
	must(c.SetWorkdir("/work"))
	must(c.SetEnv("A", "1"))
	must(c.SetEnv("A", "2"))
	must(c.SetLabel("org.example", "x"))
	must(c.SetCommand([]string{"sleep", "60"}))
	must(c.SetMemoryLimit(1 << 30))
	must(c.SetNanoCPUs(2e9))
	must(c.SetPidsLimit(100))
	must(c.SetInit(false))
	must(c.Volumes().Add(Mount{Type: MountBind, Source: "/tmp", Target: "/workspace", ReadOnly: true}))
	must(c.NetPolicy().ParsePort("127.0.0.1:8080:80"))
	if c.Image() != "ohs-test:latest" || c.User() != "1000:1000" || c.Workdir() != "/work" ||
		!reflect.DeepEqual(c.Env(), []string{"A=2"}) || c.Labels()["org.example"] != "x" ||
		!reflect.DeepEqual(c.Command(), []string{"sleep", "60"}) || c.MemoryLimit() != 1<<30 ||
		c.NanoCPUs() != 2e9 || c.PidsLimit() != 100 || c.Init() {
		t.Fatalf("getters disagree with setters")
	}
	if p := c.NetPolicy().Ports(); len(p) != 1 || p[0] != (Port{80, "tcp", "127.0.0.1", 8080}) {
		t.Fatalf("ports %+v", p)
	}
	body, err := c.CreateBody()
	if err != nil {
		t.Fatal(err)
	}
	var b map[string]interface{}
	if err := json.Unmarshal([]byte(body), &b); err != nil || b["Image"] != "ohs-test:latest" || b["WorkingDir"] != "/work" {
		t.Fatalf("create body %s (%v)", body, err)
	}
	if _, err := c.JSON(); err != nil {
		t.Fatal(err)
	}
	d, err := c.Clone()
	must(err)
	defer d.Close()

	// Bad input: ErrInvalid with a message naming the value.
	for _, tc := range []struct {
		err    error
		needle string
	}{
		{c.SetImage("UPPER CASE"), "UPPER CASE"},
		{c.SetWorkdir("relative"), "relative"},
		{c.Volumes().Add(Mount{Source: "/tmp", Target: "data"}), "data"},
		{c.NetPolicy().SetBindingAddress("example.org"), "example.org"},
		{c.NetPolicy().ParsePort("nope"), "nope"},
		{c.SetEnv("A", "x\x00y"), "NUL"},
	} {
		if !errors.Is(tc.err, ErrInvalid) || !strings.Contains(tc.err.Error(), tc.needle) {
			t.Errorf("error %v: want ErrInvalid naming %q", tc.err, tc.needle)
		}
	}
	// Close is idempotent; a closed config (and what was borrowed from it)
	// gives ErrState, never a crash.
	v, n := c.Volumes(), c.NetPolicy()
	must(c.Close())
	must(c.Close())
	if err := c.SetImage("x"); !errors.Is(err, ErrState) {
		t.Fatalf("closed config: %v", err)
	}
	if _, err := c.CreateBody(); !errors.Is(err, ErrState) {
		t.Fatalf("closed config: %v", err)
	}
	if v.Len() != 0 || n.Mode() != "" || !errors.Is(v.Add(Mount{Source: "/a", Target: "/b"}), ErrState) {
		t.Fatal("borrowed handles still usable after Close")
	}
	if d.Image() != "ohs-test:latest" {
		t.Fatalf("clone lost the image: %q", d.Image())
	}
}

func TestVolumesAndNetPolicy(t *testing.T) {
	v, err := ParseVolumes("/srv:/workspace,volume:cache:/cache:ro", "/home/u", "/")
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	want := []Mount{{MountBind, "/srv", "/workspace", false}, {MountVolume, "cache", "/cache", true}}
	if !reflect.DeepEqual(v.List(), want) {
		t.Fatalf("%+v", v.List())
	}
	if _, err := ParseVolumes("/a:b", "", ""); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "entry 1") {
		t.Fatalf("bad spec: %v", err)
	}
	n, err := NewNetPolicy()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.ParseNetworks(`["x","y"]`); err != nil || !reflect.DeepEqual(n.Networks(), []string{"x", "y"}) {
		t.Fatalf("%v %q", err, n.Networks())
	}
	if err := n.SetMode("none"); err != nil || n.Mode() != "none" {
		t.Fatal(err)
	}
	c, _ := NewConfig()
	defer c.Close()
	if err := c.SetVolumes(v); err != nil || c.Volumes().Len() != 2 {
		t.Fatal(err)
	}
	if err := c.SetNetPolicy(n); err != nil || c.NetPolicy().Mode() != "none" {
		t.Fatal(err)
	}
	v.Close()
	if err := c.SetVolumes(v); !errors.Is(err, ErrState) {
		t.Fatalf("closed volumes: %v", err)
	}
}

func TestEnvGet(t *testing.T) {
	v, ok, err := EnvGet([]string{"A=1", "B=x=y"}, "B")
	if err != nil || !ok || v != "x=y" {
		t.Fatalf("%q %v %v", v, ok, err)
	}
	if _, ok, _ := EnvGet([]string{"A=1"}, "C"); ok {
		t.Fatal("C found")
	}
}

// cliPath is the ohsandbox CLI to compare with: $OHSANDBOX_CLI (then it
// must work) or ohsandbox on PATH.
func cliPath(t *testing.T) string {
	if p := os.Getenv("OHSANDBOX_CLI"); p != "" {
		return p
	}
	p, err := exec.LookPath("ohsandbox")
	if err != nil {
		t.Skip("no ohsandbox CLI (set OHSANDBOX_CLI)")
	}
	return p
}

// cliEnv is env plus the loader's search path, so that a CLI installed into
// a temporary prefix finds its library.
func cliEnv(env []string) []string {
	out := append([]string(nil), env...)
	if v, ok := os.LookupEnv("LD_LIBRARY_PATH"); ok {
		out = append(out, "LD_LIBRARY_PATH="+v)
	}
	return out
}

// TestCreateBodyParity: the same environment gives the byte-identical
// create body in Go and in `ohsandbox config --json` (C).
func TestCreateBodyParity(t *testing.T) {
	cli := cliPath(t)
	env, _ := sampleEnv(t)
	envs := [][]string{env, {"HOME=/nonexistent"}, append(env[:2:2], "SANDBOX_VOLUMES=/tmp:/workspace:ro",
		"SANDBOX_ENV_QUOTE=a\"b\\c d/é")}
	for i, e := range envs {
		cfg, err := ConfigFromEnv(e)
		if err != nil {
			t.Fatal(err)
		}
		body, err := cfg.CreateBody()
		cfg.Close()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(cli, "config", "--json", "--show-secrets")
		cmd.Env = cliEnv(e)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("env %d: %s config --json: %v", i, cli, err)
		}
		var doc struct {
			CreateBody json.RawMessage `json:"create_body"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("env %d: %v in %s", i, err, out)
		}
		if string(doc.CreateBody) != body {
			t.Fatalf("env %d: create bodies differ\nC:  %s\nGo: %s", i, doc.CreateBody, body)
		}
	}
}

func TestMergeHostConfig(t *testing.T) {
	cfg, err := NewConfig()
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	if err := cfg.MergeHostConfig(`{"Privileged":true}`); err != nil {
		t.Fatal(err)
	}
	if got := cfg.HostConfigExtra(); got != `{"Privileged":true}` {
		t.Fatalf("HostConfigExtra = %q", got)
	}
	if _, _, err := cfg.ApplyPolicy(); !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "5.4") {
		t.Fatalf("privileged config: %v", err)
	}
	if err := cfg.MergeHostConfig("[1]"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not a JSON object") {
		t.Fatalf("bad json: %v", err)
	}
}

func TestPolicy(t *testing.T) {
	if _, err := NewPolicy("lenient", ""); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "lenient") {
		t.Fatalf("unknown profile: %v", err)
	}
	p, err := NewPolicy("default", "enforce")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Profile() != "default" || p.Mode() != "enforce" {
		t.Fatalf("%q %q", p.Profile(), p.Mode())
	}
	if _, err := p.Check("{not json"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad body: %v", err)
	}
	bad := `{"Image":"x","HostConfig":{"Privileged":true,"Binds":["/:/host"]}}`
	f, err := p.Check(bad)
	if err != nil || len(f) == 0 {
		t.Fatalf("check: %v, %d findings", err, len(f))
	}
	body, f2, err := p.Apply(bad)
	if !errors.Is(err, ErrPolicy) || body != "" || len(f2) == 0 {
		t.Fatalf("apply: %v, body %q, %d findings", err, body, len(f2))
	}
	refused := 0
	for _, x := range f2 {
		if x.Refused {
			refused++
			if x.ID == "" || x.Severity == "" || x.Field == "" || !strings.Contains(err.Error(), x.ID) {
				t.Errorf("finding %+v (error %v)", x, err)
			}
		}
	}
	if refused == 0 {
		t.Fatal("no refused finding")
	}
}
