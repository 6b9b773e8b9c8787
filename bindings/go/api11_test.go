package ohsandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Tests of the API 1.1 calls and of the 0.2.0 wrappers.

func TestOverrideCommand(t *testing.T) {
	cfg, err := NewConfig()
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	if got := cfg.OverrideCommand(); got != OverrideAuto {
		t.Fatalf("default %q", got)
	}
	if err := cfg.SetOverrideCommand("TRUE"); err != nil || cfg.OverrideCommand() != OverrideTrue {
		t.Fatalf("%v %q", err, cfg.OverrideCommand())
	}
	if err := cfg.SetOverrideCommand("0"); err != nil || cfg.OverrideCommand() != OverrideFalse {
		t.Fatalf("%v %q", err, cfg.OverrideCommand())
	}
	err = cfg.SetOverrideCommand("sometimes")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "sometimes") {
		t.Fatalf("bad name: %v", err)
	}
	envCfg, err := ConfigFromEnv([]string{"SANDBOX_OVERRIDE_COMMAND=false"})
	if err != nil {
		t.Fatal(err)
	}
	defer envCfg.Close()
	if envCfg.OverrideCommand() != OverrideFalse {
		t.Fatalf("from env: %q", envCfg.OverrideCommand())
	}
}

func TestFloor(t *testing.T) {
	f, err := ParseFloor(`{"profile": "hardened", "networks": ["net-a", "net-b"]}`, "test floor")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Profile() != "hardened" || f.Mode() != "" || f.Runtime() != "" || f.HostPaths() != nil {
		t.Fatalf("%q %q %q %v", f.Profile(), f.Mode(), f.Runtime(), f.HostPaths())
	}
	if !strings.Contains(f.Origin("profile"), "test floor") || f.Origin("runtime") != "" {
		t.Fatalf("origins %q %q", f.Origin("profile"), f.Origin("runtime"))
	}
	g, err := ParseFloor(`{"networks": ["net-b"], "mode": "enforce", "runtime": "runc"}`, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := f.Merge(g); err != nil {
		t.Fatal(err)
	}
	if nets := f.Networks(); len(nets) != 1 || nets[0] != "net-b" || f.Mode() != "enforce" || f.Runtime() != "runc" {
		t.Fatalf("merged: %v %q %q", nets, f.Mode(), f.Runtime())
	}
	h, err := f.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	other, _ := ParseFloor(`{"runtime": "runsc"}`, "")
	defer other.Close()
	if err := h.Merge(other); !errors.Is(err, ErrInvalid) || h.Runtime() != "runc" {
		t.Fatalf("conflicting runtimes: %v, runtime %q", err, h.Runtime())
	}
	if _, err := ParseFloor(`{"profile": "lax"}`, "bad floor"); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "bad floor") {
		t.Fatalf("bad floor: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(`{"profile": "hardened"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	lf, err := LoadFloor(path)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if lf.Profile() != "hardened" || !strings.Contains(lf.Origin("profile"), path) {
		t.Fatalf("loaded: %q %q", lf.Profile(), lf.Origin("profile"))
	}
	if _, err := LoadFloor(filepath.Join(dir, "missing.json")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing file: %v", err)
	}
	if SystemFloorPath() == "" {
		t.Fatal("no system floor path")
	}
	cfg, err := ConfigFromEnvFloor([]string{"HOME=/h"}, lf)
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	cf, err := cfg.Floor()
	if err != nil || cf == nil || cf.Profile() != "hardened" || cfg.Policy().Profile() != "hardened" {
		t.Fatalf("config floor: %v %v", cf, err)
	}
	cf.Close()
	plain, _ := NewConfig()
	defer plain.Close()
	if pf, err := plain.Floor(); pf != nil || err != nil {
		t.Fatalf("a config without a floor: %v %v", pf, err)
	}
	if err := plain.AddFloor(f); err != nil {
		t.Fatal(err)
	}
	if o := plain.Origin("networks"); o == "" || plain.Origins()["networks"] != o {
		t.Fatalf("origin of networks %q in %v", o, plain.Origins())
	}
}

func TestPolicyEnum(t *testing.T) {
	pol, err := NewPolicyEnum(ProfileHardened, ModeWarn)
	if err != nil {
		t.Fatal(err)
	}
	defer pol.Close()
	if pol.Profile() != "hardened" || pol.Mode() != "warn" {
		t.Fatalf("%q %q", pol.Profile(), pol.Mode())
	}
	_, err = NewPolicyEnum(5, ModeWarn)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "profile 5 is not an ohs_security_profile") {
		t.Fatalf("out of range: %v", err)
	}
}

func testConfig(t *testing.T) *Config {
	t.Helper()
	cfg, err := NewConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.SetImage(testImage())
	cfg.SetLabel(testLabel, runID)
	return cfg
}

func TestKeepPortsStopList(t *testing.T) {
	c := engine(t)
	ctx := context.Background()
	cfg := testConfig(t)
	defer cfg.Close()
	np := cfg.NetPolicy()
	if err := np.SetBindingAddress("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := np.ParsePort("8080"); err != nil {
		t.Fatal(err)
	}
	if err := np.ParsePort("5353/udp"); err != nil {
		t.Fatal(err)
	}
	s, err := c.NewSession(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	defer func() { assertGone(t, c, id) }()
	defer s.Close()
	seen := map[string]bool{}
	for _, p := range s.Ports() {
		seen[p.Protocol] = true
		if (p.ContainerPort == 8080 && p.Protocol != "tcp") || (p.ContainerPort == 5353 && p.Protocol != "udp") {
			t.Fatalf("port %+v", p)
		}
	}
	if !seen["tcp"] || !seen["udp"] {
		t.Fatalf("ports %+v", s.Ports())
	}
	if s.Keep() {
		t.Fatal("kept before SetKeep")
	}
	list, err := ListSessions(c)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, info := range list {
		if info.ID != id {
			continue
		}
		found++
		if info.Name != s.Name() || info.State != "running" || info.OwnerPID != os.Getpid() ||
			!info.OwnerAlive || !info.OwnerKnown || info.Keep || len(info.Session) != 32 || info.Created < 1700000000 {
			t.Fatalf("info %+v", info)
		}
	}
	if found != 1 {
		t.Fatalf("%s listed %d times", id, found)
	}
	if err := s.SetKeep(true); err != nil || !s.Keep() {
		t.Fatalf("keep: %v %v", err, s.Keep())
	}
	s.Close() // kept: stays
	o, err := c.OpenSession(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Keep() {
		t.Fatal("a reopened kept session does not report keep")
	}
	start := time.Now()
	if err := o.Stop(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 20*time.Second || len(o.Ports()) != 0 {
		t.Fatalf("stop took %v, ports %v", time.Since(start), o.Ports())
	}
	o.SetKeep(false)
	o.Close()
}

func TestReapEach(t *testing.T) {
	c := engine(t)
	s := newSession(t, c)
	var got [][4]string
	n, err := ReapEach(c, &ReapOptions{All: true, DryRun: true}, func(kind, id, name, reason string) error {
		got = append(got, [4]string{kind, id, name, reason})
		return nil
	})
	if err != nil || n < 1 {
		t.Fatalf("dry run: %d %v", n, err)
	}
	mine := 0
	for _, g := range got {
		if g[1] == s.ID() {
			mine++
			if g[0] != "container" || g[2] != s.Name() || !strings.Contains(g[3], "owner process is alive") {
				t.Fatalf("reported %v", g)
			}
		}
	}
	if mine != 1 {
		t.Fatalf("own sandbox reported %d times in %v", mine, got)
	}
	stop := errors.New("stop here")
	if _, err := ReapEach(c, &ReapOptions{All: true, DryRun: true}, func(kind, id, name, reason string) error {
		return stop
	}); !errors.Is(err, stop) {
		t.Fatalf("stopping callback: %v", err)
	}
	if r, err := s.Exec(context.Background(), []string{"true"}, nil); err != nil || r.ExitCode != 0 {
		t.Fatalf("the dry runs touched the sandbox: %v", err)
	}
}

func TestDownloadEx(t *testing.T) {
	c := engine(t)
	s := newSession(t, c)
	ctx := context.Background()
	if r, err := s.ExecShell(ctx, "mkdir -p /tmp/dl && echo hi > /tmp/dl/f && ln -s f /tmp/dl/link && mkfifo /tmp/dl/fifo", nil); err != nil || r.ExitCode != 0 {
		t.Fatalf("%v %+v", err, r)
	}
	plain := t.TempDir()
	if n, err := s.DownloadEx(ctx, "/tmp/dl", plain, nil); err != nil || n != 2 {
		t.Fatalf("plain: skipped %d, %v", n, err)
	}
	if _, err := os.Lstat(filepath.Join(plain, "dl", "link")); !os.IsNotExist(err) {
		t.Fatalf("link written without Symlinks: %v", err)
	}
	links := t.TempDir()
	if n, err := s.DownloadEx(ctx, "/tmp/dl", links, &DownloadOptions{Symlinks: true}); err != nil || n != 1 {
		t.Fatalf("symlinks: skipped %d, %v", n, err)
	}
	if target, err := os.Readlink(filepath.Join(links, "dl", "link")); err != nil || target != "f" {
		t.Fatalf("link %q %v", target, err)
	}
}

func TestCreateMainRunMain(t *testing.T) {
	c := engine(t)
	ctx := context.Background()
	cfg := testConfig(t)
	defer cfg.Close()
	s, err := c.CreateMainSession(ctx, cfg, []string{"sh", "-c", "echo main; echo err >&2; exit 4"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	var chunks []string
	r, err := s.RunMain(ctx, &ExecOptions{Output: func(stream int, data []byte) error {
		chunks = append(chunks, string(data))
		return nil
	}})
	if err != nil || r.ExitCode != 4 || string(r.Stdout) != "main\n" || string(r.Stderr) != "err\n" || len(chunks) == 0 {
		t.Fatalf("%+v %v %v", r, err, chunks)
	}
	s.Close()
	assertGone(t, c, id)

	s, err = c.CreateMainSession(ctx, cfg, []string{"sleep", "30"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id = s.ID()
	r, err = s.RunMain(ctx, &ExecOptions{Timeout: 500 * time.Millisecond})
	if err != nil || !r.TimedOut || r.ExitCode != 137 {
		t.Fatalf("timeout: %+v %v", r, err)
	}
	if _, err := s.RunMain(ctx, &ExecOptions{Env: []string{"A=1"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("env refused: %v", err)
	}
	s.Close()
	assertGone(t, c, id)
	if _, err := c.CreateMainSession(ctx, cfg, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty argv: %v", err)
	}
}

func TestPoolCancelNoPolling(t *testing.T) {
	c := engine(t)
	cfg := testConfig(t)
	defer cfg.Close()
	pool, err := NewPool(c, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// the cancellation wakes the library's wait at once: well under the
	// time a sandbox takes to be made
	cctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = pool.Acquire(cctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled acquire: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("cancelled acquire took %v", d)
	}
	// a deadline is the library's own timeout
	dctx, dcancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer dcancel()
	time.Sleep(2 * time.Millisecond)
	if err := pool.Wait(dctx, 1); !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	ctx, cancel2 := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel2()
	s, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pool.Release(s)
}
