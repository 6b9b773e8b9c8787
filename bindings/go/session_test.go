package ohsandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const testLabel = "org.ohsandbox.test"

var runID = func() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "go-" + hex.EncodeToString(b)
}()

func testImage() string {
	if s := os.Getenv("OHS_TEST_IMAGE"); s != "" {
		return s
	}
	return "ohs-test:latest"
}

// engine returns a client, or skips when no engine answers (fails instead
// when OHS_REQUIRE_ENGINE is set).
func engine(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(nil)
	if err != nil {
		if os.Getenv("OHS_REQUIRE_ENGINE") != "" {
			t.Fatalf("no engine, but OHS_REQUIRE_ENGINE is set: %v", err)
		}
		t.Skipf("no engine: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// newSession starts a sandbox of the test image and makes sure, at the end
// of the test, that its container is gone.
func newSession(t *testing.T, c *Client) *Session {
	t.Helper()
	cfg, err := NewConfig()
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	if err := cfg.SetImage(testImage()); err != nil {
		t.Fatal(err)
	}
	if err := cfg.SetLabel(testLabel, runID); err != nil {
		t.Fatal(err)
	}
	s, err := c.NewSession(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	t.Cleanup(func() {
		s.Close()
		assertGone(t, c, id)
	})
	return s
}

// assertGone checks with a client of its own (the test's may be closed).
func assertGone(t *testing.T, _ *Client, id string) {
	t.Helper()
	c, err := NewClient(nil)
	if err != nil {
		t.Errorf("leftover check: %v", err)
		return
	}
	defer c.Close()
	list, err := ListSessions(c)
	if err != nil {
		t.Errorf("list sessions: %v", err)
		return
	}
	for _, si := range list {
		if si.ID == id {
			t.Errorf("sandbox %s (%s) is left", si.Name, id)
		}
	}
}

func TestUnreachableEngine(t *testing.T) {
	c, err := NewClient([]string{"DOCKER_HOST=unix:///nonexistent/ohs-go-test.sock"})
	if c != nil || !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "/nonexistent/ohs-go-test.sock") {
		t.Fatalf("client %v, error %v: want ErrUnreachable naming the socket", c, err)
	}
	if _, err := NewClient([]string{"DOCKER_HOST=ftp://x"}); err == nil || !strings.Contains(err.Error(), "ftp://x") {
		t.Fatalf("bad scheme: %v", err)
	}
}

func TestClient(t *testing.T) {
	c := engine(t)
	if c.APIVersion() == "" || !strings.HasPrefix(c.Host(), "unix://") {
		t.Fatalf("api %q host %q", c.APIVersion(), c.Host())
	}
	if w := c.Warnings(); len(w) != 0 { // a unix socket: no connection warning
		t.Fatalf("warnings on a unix socket: %q", w)
	}
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.SetTimeouts(5*time.Second, 0); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c.Close()
	if err := c.Ping(context.Background()); !errors.Is(err, ErrState) {
		t.Fatalf("closed client: %v", err)
	}
}

func TestSessionExec(t *testing.T) {
	c := engine(t)
	s := newSession(t, c)
	ctx := context.Background()
	if s.ID() == "" || s.Name() == "" {
		t.Fatalf("id %q name %q", s.ID(), s.Name())
	}

	r, err := s.Exec(ctx, []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Stdout) != "out\n" || string(r.Stderr) != "err\n" || r.ExitCode != 3 || r.TimedOut || r.Truncated {
		t.Fatalf("result %+v (stdout %q stderr %q)", r, r.Stdout, r.Stderr)
	}

	r, err = s.ExecShell(ctx, `printf '%s:%s' "$FOO" "$(pwd)"; id -u`, &ExecOptions{
		Env: []string{"FOO=bar"}, Workdir: "/tmp", User: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Stdout) != "bar:/tmp1234\n" || r.ExitCode != 0 {
		t.Fatalf("stdout %q stderr %q exit %d", r.Stdout, r.Stderr, r.ExitCode)
	}

	// Streaming output, and the cap.
	var mu sync.Mutex
	var streamed bytes.Buffer
	r, err = s.ExecShell(ctx, "seq 1 1000", &ExecOptions{OutputCap: 100, Output: func(stream int, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if stream == 1 {
			streamed.Write(data)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Truncated || len(r.Stdout) != 100 || !strings.HasSuffix(streamed.String(), "999\n1000\n") {
		t.Fatalf("truncated %v, %d bytes kept, streamed %d bytes", r.Truncated, len(r.Stdout), streamed.Len())
	}

	// An error from the output function kills the command and is returned.
	stop := errors.New("enough")
	start := time.Now()
	_, err = s.ExecShell(ctx, "echo x; sleep 30", &ExecOptions{Output: func(int, []byte) error { return stop }})
	if !errors.Is(err, stop) || time.Since(start) > 15*time.Second {
		t.Fatalf("output error: %v after %v", err, time.Since(start))
	}

	// A command that does not exist.
	r, err = s.Exec(ctx, []string{"/no/such/command"}, nil)
	if err != nil || r.ExitCode != 127 && r.ExitCode != 126 {
		t.Fatalf("missing command: %+v %v", r, err)
	}
	if _, err := s.Exec(ctx, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty argv: %v", err)
	}
	if _, err := s.Exec(ctx, []string{"echo", "a\x00b"}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("NUL in argv: %v", err)
	}
	if _, err := s.Exec(ctx, []string{"true"}, &ExecOptions{Env: []string{"NOEQUALS"}}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "NOEQUALS") {
		t.Fatalf("bad env entry: %v", err)
	}

	// Shared by goroutines: calls are serialised.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := s.Exec(ctx, []string{"echo", strings.Repeat("x", i+1)}, nil)
			if err == nil && string(r.Stdout) != strings.Repeat("x", i+1)+"\n" {
				err = errors.New("wrong output " + string(r.Stdout))
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// Close is idempotent; a closed session gives ErrState.
	id := s.ID()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := s.Exec(ctx, []string{"true"}, nil); !errors.Is(err, ErrState) {
		t.Fatalf("closed session: %v", err)
	}
	assertGone(t, c, id)
}

func TestExecContext(t *testing.T) {
	c := engine(t)
	s := newSession(t, c)

	// The context deadline becomes the exec timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := s.Exec(ctx, []string{"sleep", "30"}, nil)
	took := time.Since(start)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: error %v", err)
	}
	if r == nil || !r.TimedOut || took > 15*time.Second {
		t.Fatalf("deadline: result %+v after %v", r, took)
	}

	// An expired context does not run anything.
	r, err = s.Exec(ctx, []string{"true"}, nil)
	if r != nil || !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expired: %+v %v", r, err)
	}

	// ExecOptions.Timeout alone: a timed-out result, no error.
	r, err = s.Exec(context.Background(), []string{"sleep", "30"}, &ExecOptions{Timeout: 500 * time.Millisecond})
	if err != nil || !r.TimedOut {
		t.Fatalf("timeout option: %+v %v", r, err)
	}

	// Cancellation is noticed at the next output.
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(500 * time.Millisecond); cancel2() }()
	start = time.Now()
	_, err = s.ExecShell(ctx2, "while :; do echo tick; sleep 0.2; done", nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 15*time.Second {
		t.Fatalf("cancel: %v after %v", err, time.Since(start))
	}
	// The session is still usable.
	if r, err := s.Exec(context.Background(), []string{"echo", "ok"}, nil); err != nil || string(r.Stdout) != "ok\n" {
		t.Fatalf("after cancel: %+v %v", r, err)
	}
}

func TestFilesAndLogs(t *testing.T) {
	c := engine(t)
	s := newSession(t, c)
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(src, []byte("hello from go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Upload(ctx, src, "/tmp"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Exec(ctx, []string{"cat", "/tmp/hello.txt"}, nil)
	if err != nil || string(r.Stdout) != "hello from go\n" {
		t.Fatalf("uploaded file: %+v %v", r, err)
	}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	if err := s.Download(ctx, "/tmp/hello.txt", out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "hello.txt")); err != nil || string(b) != "hello from go\n" {
		t.Fatalf("downloaded: %q %v", b, err)
	}
	if err := s.Download(ctx, "/no/such/file", out); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing file: %v", err)
	}
	if err := s.Upload(ctx, filepath.Join(dir, "missing"), "/tmp"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing local file: %v", err)
	}
	if err := s.Logs(ctx, 0, func(int, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestSessionLifecycle(t *testing.T) {
	c := engine(t)
	ctx := context.Background()
	cfg, _ := NewConfig()
	defer cfg.Close()
	cfg.SetImage(testImage())
	cfg.SetLabel(testLabel, runID)

	// A missing image named on a loopback registry that is not there.
	bad, _ := cfg.Clone()
	defer bad.Close()
	bad.SetImage("127.0.0.1:1/ohs-test-missing:latest")
	if s, err := c.NewSession(ctx, bad); s != nil || err == nil {
		t.Fatalf("missing image: %v %v", s, err)
	}

	s, err := c.CreateSession(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	defer func() { s.Close(); assertGone(t, c, id) }()
	if _, err := s.Exec(ctx, []string{"true"}, nil); err == nil {
		t.Fatal("exec before start worked")
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	found := false
	list, err := ListSessions(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, si := range list {
		if si.ID == id {
			found = si.OwnerPID == os.Getpid() && si.OwnerAlive
		}
	}
	if !found {
		t.Fatalf("session %s not listed as ours: %+v", id, list)
	}
	o, err := c.OpenSession(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := o.Exec(ctx, []string{"echo", "reopened"}, nil); err != nil || string(r.Stdout) != "reopened\n" {
		t.Fatalf("reopened: %+v %v", r, err)
	}
	if err := o.SetKeep(true); err != nil {
		t.Fatal(err)
	}
	o.Close() // kept: the container stays
	if err := s.Stop(time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(); err != nil {
		t.Fatalf("second remove: %v", err)
	}
	if _, err := c.OpenSession(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open removed: %v", err)
	}

	// The client stays usable for sessions after Close until they are closed.
	s2 := newSession(t, c)
	c.Close()
	if r, err := s2.Exec(ctx, []string{"echo", "still"}, nil); err != nil || string(r.Stdout) != "still\n" {
		t.Fatalf("after client close: %+v %v", r, err)
	}
	if _, err := c.NewSession(ctx, cfg); !errors.Is(err, ErrState) {
		t.Fatalf("closed client: %v", err)
	}
	id2 := s2.ID()
	s2.Close()
	c2 := engine(t)
	assertGone(t, c2, id2)
	if _, err := Reap(c2, false); err != nil {
		t.Fatal(err)
	}
}

// A forgotten session is removed by its finalizer.
func TestSessionFinalizer(t *testing.T) {
	c := engine(t)
	id := func() string {
		cfg, _ := NewConfig()
		defer cfg.Close()
		cfg.SetImage(testImage())
		cfg.SetLabel(testLabel, runID)
		s, err := c.NewSession(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s.ID()
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(200 * time.Millisecond)
		list, err := ListSessions(c)
		if err != nil {
			t.Fatal(err)
		}
		left := false
		for _, si := range list {
			left = left || si.ID == id
		}
		if !left {
			return
		}
	}
	if s, err := c.OpenSession(context.Background(), id); err == nil {
		s.Remove()
		s.Close()
	}
	t.Fatalf("sandbox %s was not removed by the finalizer", id)
}
