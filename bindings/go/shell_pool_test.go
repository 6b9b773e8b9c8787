package ohsandbox

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestShell(t *testing.T) {
	c := engine(t)
	s := newSession(t, c)
	ctx := context.Background()
	sh, err := s.OpenShell(ctx, &ExecOptions{Env: []string{"GREETING=hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if !sh.Alive() {
		t.Fatal("shell not alive")
	}
	if _, err := sh.Run(ctx, "cd /tmp && export X=1", 0); err != nil {
		t.Fatal(err)
	}
	r, err := sh.Run(ctx, `pwd; echo "$X $GREETING"; echo e >&2; false`, 0)
	if err != nil || string(r.Stdout) != "/tmp\n1 hi\n" || string(r.Stderr) != "e\n" || r.ExitCode != 1 {
		t.Fatalf("state not kept: %+v %v", r, err)
	}
	dctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	r, err = sh.Run(dctx, "sleep 30", 0)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || r == nil || !r.TimedOut {
		t.Fatalf("deadline: %+v %v", r, err)
	}
	if r, err := sh.Run(ctx, "echo $X", 0); err != nil || (string(r.Stdout) != "1\n" && !sh.Restarted()) {
		t.Fatalf("after timeout: %+v %v", r, err)
	}
	// Closing the session closes its shells.
	s.Close()
	if _, err := sh.Run(ctx, "true", 0); !errors.Is(err, ErrState) {
		t.Fatalf("shell of a closed session: %v", err)
	}
	sh.Close()
	sh.Close()
}

func TestPool(t *testing.T) {
	c := engine(t)
	cfg, _ := NewConfig()
	defer cfg.Close()
	cfg.SetImage(testImage())
	cfg.SetLabel(testLabel, runID)
	pool, err := NewPool(c, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := pool.Wait(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if pool.Size() != 1 || pool.Ready() != 1 {
		t.Fatalf("size %d ready %d", pool.Size(), pool.Ready())
	}
	s, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	if r, err := s.Exec(ctx, []string{"echo", "pooled"}, nil); err != nil || string(r.Stdout) != "pooled\n" {
		t.Fatalf("%+v %v", r, err)
	}
	if err := pool.Release(s); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(ctx, []string{"true"}, nil); !errors.Is(err, ErrState) {
		t.Fatalf("released session: %v", err)
	}
	// A cancelled context ends a wait that could last for ever.
	cctx, ccancel := context.WithCancel(context.Background())
	go func() { time.Sleep(300 * time.Millisecond); ccancel() }()
	if err := pool.Wait(cctx, 1); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	pool.Close()
	pool.Close()
	if _, err := pool.Acquire(ctx); !errors.Is(err, ErrState) {
		t.Fatalf("closed pool: %v", err)
	}
	assertGone(t, c, id)
}

func mustList(t *testing.T, c *Client) []SessionInfo {
	t.Helper()
	l, err := ListSessions(c)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Under a security profile the CLI prints the body after the policy; the Go
// binding gives the same bytes through ApplyPolicy.
func TestPolicyParity(t *testing.T) {
	cli := cliPath(t)
	env, _ := sampleEnv(t)
	env = append(env, "SANDBOX_SECURITY_PROFILE=hardened", "SANDBOX_SECURITY_MODE=warn")
	cfg, err := ConfigFromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	if cfg.Policy().Profile() != "hardened" || cfg.Policy().Mode() != "warn" {
		t.Fatalf("policy %q/%q", cfg.Policy().Profile(), cfg.Policy().Mode())
	}
	body, findings, err := cfg.ApplyPolicy()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := cfg.CreateBody()
	if body == raw || len(findings) == 0 {
		t.Fatalf("hardened rewrite did nothing: %s (%d findings)", body, len(findings))
	}
	cmd := exec.Command(cli, "config", "--json", "--show-secrets")
	cmd.Env = cliEnv(env)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		CreateBody json.RawMessage `json:"create_body"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if string(doc.CreateBody) != body {
		t.Fatalf("bodies differ\nC:  %s\nGo: %s", doc.CreateBody, body)
	}
	// A borrowed policy can be replaced.
	p, _ := NewPolicy("permissive", "warn")
	defer p.Close()
	if err := cfg.SetPolicy(p); err != nil || cfg.Policy().Profile() != "permissive" {
		t.Fatalf("set policy: %v", err)
	}
	if _, err := ConfigFromEnv([]string{"SANDBOX_SECURITY_PROFILE=lax"}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "SANDBOX_SECURITY_PROFILE") {
		t.Fatalf("bad profile: %v", err)
	}
}
