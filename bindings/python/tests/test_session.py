"""Engine tests: sessions against the real Docker engine.

Skipped (with the reason) when no engine can be reached, unless
OHS_REQUIRE_ENGINE=1, in which case they fail instead.  Every container is
labelled ohs-test=python and removed; tearDownModule asserts none is left.
"""

import gc
import http.client
import json
import os
import socket
import tempfile
import unittest
import urllib.parse

import ohsandbox
from ohsandbox import Client, Config, Session, EngineUnreachable, NotFound, OhsError

IMAGE = os.environ.get("OHS_TEST_IMAGE", "ohs-test:latest")
LABEL = ("ohs-test", "python-%d" % os.getpid())
REQUIRE = os.environ.get("OHS_REQUIRE_ENGINE") == "1"


# ---------------------------------------------------------------- raw engine access

class _UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self._path)


def _raw_connection(host):
    """An HTTP connection to the engine at DOCKER_HOST, without the library:
    unix://PATH, or tcp://HOST:PORT (TLS with DOCKER_CERT_PATH's ca.pem,
    cert.pem and key.pem when DOCKER_TLS_VERIFY is set)."""
    if host.startswith("unix://"):
        return _UnixHTTP(host[len("unix://"):])
    if host.startswith("tcp://"):
        hostport = host[len("tcp://"):].rstrip("/")
        if os.environ.get("DOCKER_TLS_VERIFY", "") not in ("", "0"):
            import ssl
            certs = os.environ.get("DOCKER_CERT_PATH") or os.path.expanduser("~/.docker")
            ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
            ctx.load_cert_chain(os.path.join(certs, "cert.pem"), os.path.join(certs, "key.pem"))
            return http.client.HTTPSConnection(hostport, timeout=30, context=ctx)
        return http.client.HTTPConnection(hostport, timeout=30)
    # (with OHS_REQUIRE_ENGINE=1 a test that cannot check must fail, not skip)
    if REQUIRE:
        raise AssertionError("raw engine access: unsupported DOCKER_HOST %s "
                             "(expected unix:// or tcp://)" % host)
    raise unittest.SkipTest("raw engine access needs a unix:// or tcp:// DOCKER_HOST, not %s" % host)


def raw_get(path):
    """GET on the engine socket without the library (for independent checks)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    conn = _raw_connection(host)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise AssertionError("GET %s: HTTP %d %s" % (path, resp.status, data[:200]))
        return json.loads(data)
    finally:
        conn.close()


def raw_containers(label=LABEL):
    filters = json.dumps({"label": ["%s=%s" % label]})
    return raw_get("/containers/json?all=1&filters=" + urllib.parse.quote(filters))


def raw_container_ids():
    return {c["Id"] for c in raw_containers()}


# ---------------------------------------------------------------- fixtures

_client = None
_skip_reason = None


def setUpModule():
    global _client, _skip_reason
    try:
        _client = Client()
        raw_get("/images/%s/json" % urllib.parse.quote(IMAGE, safe=""))
    except (OhsError, OSError, AssertionError) as e:
        _client = None
        _skip_reason = "no usable Docker engine / image %s: %s" % (IMAGE, e)
        if REQUIRE:
            raise
        return


def tearDownModule():
    if _client is None:
        return
    left = raw_containers()
    for c in left:   # clean up anyway, then fail
        try:
            Session.open(_client, c["Id"]).remove()
        except OhsError:
            pass
    _client.close()
    if left:
        raise AssertionError("containers left behind: %s" % [c["Names"] for c in left])


def make_config(**kw):
    cfg = Config()
    cfg.image = IMAGE
    cfg.command = ["sleep", "300"]
    cfg.workdir = "/"
    cfg.set_label(*LABEL)
    for k, v in kw.items():
        setattr(cfg, k, v)
    return cfg


class EngineTest(unittest.TestCase):
    def setUp(self):
        if _client is None:
            self.skipTest(_skip_reason)
        self.client = _client


class TestClient(EngineTest):

    def test_properties(self):
        self.assertRegex(self.client.api_version, r"^1\.\d+$")
        self.assertTrue(self.client.host.startswith(("unix://", "tcp://")))
        self.client.ping()
        # a unix socket or verified TLS: no connection warning
        if self.client.host.startswith("unix://"):
            self.assertEqual(self.client.warnings, [])


class TestUnreachableNoEngine(unittest.TestCase):
    def test_unreachable(self):
        with self.assertRaises(EngineUnreachable) as cm:
            Client({"DOCKER_HOST": "unix:///nonexistent.sock"})
        self.assertIn("nonexistent.sock", str(cm.exception))


class TestSession(EngineTest):

    @classmethod
    def setUpClass(cls):
        if _client is None:
            raise unittest.SkipTest(_skip_reason)
        cls.session = _client.create_session(make_config())
        cls.session.start()

    @classmethod
    def tearDownClass(cls):
        cls.session.remove()
        cls.session.close()

    def test_exec_argv(self):
        r = self.session.exec(["sh", "-c", "echo out; echo err >&2; exit 3"])
        self.assertIsInstance(r, ohsandbox.ExecResult)
        self.assertEqual(r.stdout, b"out\n")
        self.assertEqual(r.stderr, b"err\n")
        self.assertEqual(r.exit_code, 3)
        self.assertFalse(r.truncated)
        self.assertFalse(r.timed_out)
        self.assertFalse(r.ok)

    def test_exec_shell_and_options(self):
        r = self.session.exec("echo $GREETING; pwd; id -u", env={"GREETING": "hi"},
                              workdir="/tmp", user="1234")
        self.assertEqual(r.stdout, b"hi\n/tmp\n1234\n")
        self.assertEqual(r.exit_code, 0)
        self.assertEqual(self.session.exec_shell("exit 5").exit_code, 5)

    def test_exec_binary_output(self):
        r = self.session.exec(["printf", "a\\000b\\377"])
        self.assertEqual(r.stdout, b"a\x00b\xff")

    def test_timeout(self):
        r = self.session.exec(["sleep", "30"], timeout=0.5)
        self.assertTrue(r.timed_out)
        self.assertNotEqual(r.exit_code, 0)

    def test_output_cap(self):
        r = self.session.exec("head -c 100000 /dev/zero", output_cap=1000)
        self.assertTrue(r.truncated)
        self.assertEqual(len(r.stdout), 1000)

    def test_output_callback(self):
        seen = []
        r = self.session.exec("echo a; echo b >&2", on_output=lambda s, d: seen.append((s, d)))
        self.assertEqual(r.stdout, b"a\n")
        self.assertIn((1, b"a\n"), seen)
        self.assertIn((2, b"b\n"), seen)

    def test_callback_exception_propagates(self):
        def boom(stream, data):
            raise KeyError("boom")
        with self.assertRaises(KeyError):
            self.session.exec("echo x", on_output=boom)

    def test_upload_download_round_trip(self):
        with tempfile.TemporaryDirectory() as src, tempfile.TemporaryDirectory() as dst:
            os.makedirs(os.path.join(src, "tree", "sub"))
            payload = os.urandom(70000)
            with open(os.path.join(src, "tree", "sub", "blob.bin"), "wb") as f:
                f.write(payload)
            with open(os.path.join(src, "tree", "note.txt"), "w") as f:
                f.write("note\n")
            self.session.exec(["mkdir", "-p", "/tmp/up"]).check()
            self.session.upload(os.path.join(src, "tree"), "/tmp/up")
            r = self.session.exec(["cat", "/tmp/up/tree/note.txt"])
            self.assertEqual(r.stdout, b"note\n")
            self.session.download("/tmp/up/tree", dst)
            with open(os.path.join(dst, "tree", "sub", "blob.bin"), "rb") as f:
                self.assertEqual(f.read(), payload)

    def test_download_missing(self):
        with tempfile.TemporaryDirectory() as dst:
            with self.assertRaises(NotFound) as cm:
                self.session.download("/no/such/file", dst)
            self.assertIn("/no/such/file", cm.exception.message)

    def test_persistent_shell(self):
        if not ohsandbox._lib.have("ohs_shell_open"):
            self.skipTest("the loaded library has no persistent shell API yet")
        with self.session.shell(env={"A": "1"}) as sh:
            self.assertTrue(sh.alive)
            self.assertEqual(sh.run("cd /tmp; export B=2").exit_code, 0)
            r = sh.run("pwd; echo $A$B; echo e >&2; false")
            self.assertEqual(r.stdout, b"/tmp\n12\n")
            self.assertEqual(r.stderr, b"e\n")
            self.assertEqual(r.exit_code, 1)
            r = sh.run("sleep 30", timeout=0.5)
            self.assertTrue(r.timed_out)
            self.assertEqual(sh.run("echo still").stdout, b"still\n")
        self.assertTrue(sh.closed)

    def test_logs_and_listing(self):
        self.assertIsInstance(self.session.logs(), bytes)
        ids = [s["id"] for s in ohsandbox.list_sessions(self.client)]
        self.assertIn(self.session.id, ids)
        self.assertIn(self.session.id, raw_container_ids())


class TestLifecycle(EngineTest):

    def test_context_manager_removes(self):
        calls = []
        with Session.create(self.client, make_config(), progress=lambda *a: calls.append(a)) as s:
            s.start()
            cid = s.id
            self.assertIn(cid, raw_container_ids())
            self.assertEqual(s.exec(["true"]).exit_code, 0)
            self.assertIsNotNone(s.findings)
            self.assertEqual(s.findings.refused_count, 0)
            self.assertEqual(s.oom_kills(), 0)
        self.assertTrue(s.closed)
        self.assertNotIn(cid, raw_container_ids())

    def test_context_manager_removes_on_error(self):
        with self.assertRaises(RuntimeError):
            with self.client.create_session(make_config()) as s:
                cid = s.id
                raise RuntimeError("inside")
        self.assertNotIn(cid, raw_container_ids())

    def test_garbage_collected_session_is_removed(self):
        s = self.client.create_session(make_config())
        cid = s.id
        self.assertIn(cid, raw_container_ids())
        del s
        gc.collect()
        self.assertNotIn(cid, raw_container_ids())

    def test_stop_pause_resume_keep_reopen(self):
        s = self.client.create_session(make_config())
        try:
            s.start()
            s.pause()
            s.resume()
            s.keep = True
            self.assertTrue(s.keep)
            cid = s.id
            s.close()                      # kept: still there
            self.assertIn(cid, raw_container_ids())
            s = Session.open(self.client, cid)
            self.assertEqual(s.id, cid)
            s.stop(timeout=1)
            state = raw_get("/containers/%s/json" % cid)["State"]
            self.assertFalse(state["Running"])
        finally:
            s.remove()
            s.remove()                     # idempotent
            s.close()
        self.assertNotIn(cid, raw_container_ids())

    def test_reopened_kept_sandbox_survives_with_block(self):
        # bug: the binding cached "keep" itself, so a kept sandbox reopened
        # with Session.open() looked unkept and the with block removed it
        s = self.client.create_session(make_config())
        cid = s.id
        try:
            s.keep = True
            s.close()
            with Session.open(self.client, cid) as o:
                self.assertEqual(o.id, cid)
            self.assertIn(cid, raw_container_ids(), "the with block removed a kept sandbox")
            with Session.open(self.client, cid) as o:
                self.assertTrue(o.keep)
            with Session.open(self.client, cid) as o:
                o.keep = False
                self.assertFalse(o.keep)
            self.assertNotIn(cid, raw_container_ids())
        finally:
            if cid in raw_container_ids():
                s = Session.open(self.client, cid)
                s.remove()
                s.close()

    def test_published_port(self):
        cfg = make_config(command=["httpd", "-f", "-p", "8080", "-h", "/"])
        cfg.netpolicy.binding_address = "127.0.0.1"
        cfg.netpolicy.add_port(8080)
        with self.client.create_session(cfg) as s:
            s.start()
            ports = s.ports
            self.assertEqual(len(ports), 1)
            self.assertEqual(ports[0].container_port, 8080)
            self.assertEqual(ports[0].host_ip, "127.0.0.1")
            self.assertGreater(ports[0].host_port, 0)

    def test_open_missing(self):
        with self.assertRaises(NotFound) as cm:
            Session.open(self.client, "ohs-test-no-such-container")
        self.assertIn("ohs-test-no-such-container", cm.exception.message)
        # the C library may or may not keep the engine's 404 for this error
        self.assertIn(cm.exception.http_status, (0, 404))

    def test_missing_image(self):
        cfg = make_config(image="127.0.0.1:1/ohs-test-missing:none")
        with self.assertRaises(OhsError) as cm:
            self.client.create_session(cfg)
        self.assertIn("ohs-test-missing", cm.exception.message)

    def test_reap_removes_dead_owners_only(self):
        # a sandbox whose owner process is gone: made by a child that exits
        # without removing it
        child = (
            "import os, ohsandbox\n"
            "cfg = ohsandbox.Config()\n"
            "cfg.image = %r\n"
            "cfg.command = ['sleep', '300']\n"
            "cfg.set_label(%r, %r)\n"
            "s = ohsandbox.Client().create_session(cfg)\n"
            "print(s.id, flush=True)\n"
            "os._exit(0)\n" % (IMAGE, LABEL[0], LABEL[1]))
        import subprocess
        import sys
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        out = subprocess.run([sys.executable, "-c", child], env=env, check=True, timeout=120,
                             stdout=subprocess.PIPE).stdout.decode().strip()
        dead = out.splitlines()[-1]
        self.assertIn(dead, raw_container_ids())
        live = self.client.create_session(make_config())
        try:
            n = ohsandbox.reap(self.client)
            self.assertIsInstance(n, int)
            # (other dead owners' sandboxes on a shared engine may go too)
            self.assertGreaterEqual(n, 1)
            ids = raw_container_ids()
            self.assertNotIn(dead, ids, "reap left the dead owner's sandbox")
            self.assertIn(live.id, ids, "reap removed a live owner's sandbox")
        finally:
            live.remove()
            live.close()

    def test_pool(self):
        if not ohsandbox._lib.have("ohs_pool_new"):
            with self.assertRaises(ohsandbox.NotSupported):
                self.client.pool(make_config(), 1)
            self.skipTest("the loaded library has no pool API yet")
        with self.client.pool(make_config(), 2) as pool:
            self.assertEqual(pool.size, 2)
            pool.wait(2, timeout=60)
            self.assertEqual(pool.ready, 2)
            s1 = pool.acquire(timeout=60)
            self.assertEqual(s1.exec(["echo", "pooled"]).stdout, b"pooled\n")
            s2 = pool.acquire(timeout=60)
            cid2 = s2.id
            pool.release(s2)
            self.assertTrue(s2.closed)
        # s1 stays valid after the pool is closed, and is the caller's
        self.assertEqual(s1.exec(["true"]).exit_code, 0)
        cid1 = s1.id
        s1.remove()
        s1.close()
        ids = raw_container_ids()
        self.assertNotIn(cid1, ids)
        self.assertNotIn(cid2, ids)

    def test_published_port_protocols(self):
        cfg = make_config()
        cfg.netpolicy.binding_address = "127.0.0.1"
        cfg.netpolicy.add_port(8080)
        cfg.netpolicy.add_port(5353, protocol="udp")
        with self.client.create_session(cfg) as s:
            s.start()
            protos = {(p.container_port, p.protocol) for p in s.ports}
            self.assertEqual(protos, {(8080, "tcp"), (5353, "udp")})
            # the first three fields keep their places
            port, ip, host = s.ports[0][:3]
            self.assertEqual(ip, "127.0.0.1")
            s.stop(timeout=0.5)
            self.assertEqual(s.ports, [])
            self.assertFalse(raw_get("/containers/%s/json" % s.id)["State"]["Running"])

    def test_list_sessions_typed(self):
        with self.client.create_session(make_config()) as s:
            items = [x for x in ohsandbox.list_sessions(self.client) if x["id"] == s.id]
            self.assertEqual(len(items), 1)
            x = items[0]
            self.assertEqual(x["name"], s.name)
            self.assertEqual(x["state"], "created")
            self.assertEqual(x["owner_pid"], os.getpid())
            self.assertIs(x["owner_alive"], True)
            self.assertIs(x["keep"], False)
            self.assertGreater(x["created"], 1700000000)
            self.assertEqual(len(x["session"]), 32)

    def test_reap_dry_run_and_each(self):
        live = self.client.create_session(make_config())
        try:
            seen = []
            n = ohsandbox.reap_each(self.client, lambda *a: seen.append(a), all=True, dry_run=True)
            self.assertGreaterEqual(n, 1)
            mine = [a for a in seen if a[1] == live.id]
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0][0], "container")
            self.assertEqual(mine[0][2], live.name)
            self.assertIn("owner process is alive", mine[0][3])
            self.assertIn(live.id, raw_container_ids())
            self.assertGreaterEqual(ohsandbox.reap(self.client, all=True, dry_run=True), 1)
            self.assertIn(live.id, raw_container_ids())

            def stop(*a):
                raise KeyError("stop here")
            with self.assertRaises(KeyError):
                ohsandbox.reap_each(self.client, stop, all=True, dry_run=True)
            self.assertIn(live.id, raw_container_ids())
        finally:
            live.remove()
            live.close()

    def test_download_symlinks(self):
        with self.client.create_session(make_config()) as s, tempfile.TemporaryDirectory() as d:
            s.start()
            s.exec_shell("mkdir -p /tmp/dl && echo hi > /tmp/dl/f && ln -s f /tmp/dl/link && "
                         "mkfifo /tmp/dl/fifo").check()
            plain = os.path.join(d, "plain")
            os.mkdir(plain)
            self.assertEqual(s.download("/tmp/dl", plain), 2)   # the link and the fifo
            self.assertFalse(os.path.lexists(os.path.join(plain, "dl", "link")))
            links = os.path.join(d, "links")
            os.mkdir(links)
            self.assertEqual(s.download("/tmp/dl", links, symlinks=True), 1)   # the fifo
            self.assertEqual(os.readlink(os.path.join(links, "dl", "link")), "f")
            with open(os.path.join(links, "dl", "f")) as fh:
                self.assertEqual(fh.read(), "hi\n")

    def test_create_main_run_main(self):
        cfg = make_config()
        with Session.create_main(self.client, cfg, ["sh", "-c", "echo main; echo err >&2; exit 4"]) as s:
            chunks = []
            r = s.run_main(on_output=lambda stream, data: chunks.append((stream, data)))
            self.assertEqual(r.exit_code, 4)
            self.assertEqual(r.stdout, b"main\n")
            self.assertEqual(r.stderr, b"err\n")
            self.assertIn((1, b"main\n"), chunks)
        with Session.create_main(self.client, cfg, ["sleep", "30"]) as s:
            r = s.run_main(timeout=0.5)
            self.assertTrue(r.timed_out)
            self.assertEqual(r.exit_code, 137)
        with self.assertRaises(ohsandbox.InvalidConfig):
            Session.create_main(self.client, cfg, [])

    def test_pool_cancel(self):
        import threading
        import time
        cancel = ohsandbox.Cancel()
        with self.client.pool(make_config(), 1) as pool:
            threading.Timer(0.02, cancel.trigger).start()
            t0 = time.monotonic()
            with self.assertRaises(ohsandbox.Canceled) as cm:
                pool.acquire(cancel=cancel)
            self.assertLess(time.monotonic() - t0, 30)
            self.assertIn("canceled", cm.exception.message)
            with self.assertRaises(ohsandbox.Canceled):
                pool.wait(1, timeout=60, cancel=cancel)
            cancel.reset()
            pool.wait(1, timeout=60, cancel=cancel)
            s = pool.acquire(timeout=0, cancel=cancel)
            pool.release(s)

    def test_client_close_closes_sessions(self):
        c = Client()
        s = c.create_session(make_config())
        cid = s.id
        c.close()
        self.assertTrue(s.closed)
        self.assertNotIn(cid, raw_container_ids())


if __name__ == "__main__":
    unittest.main()
