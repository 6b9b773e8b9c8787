"""Pure tests (no engine): config from a dict env, volumes, network policy,
errors, handles, create_body parity with the C CLI, policy findings."""

import gc
import json
import os
import subprocess
import unittest
import weakref

import ohsandbox
from ohsandbox import (Config, Volumes, NetPolicy, Mount, Port, InvalidConfig, OhsError,
                       Policy, PolicyRefused)

HOME = "/home/agent"

ENV = {
    "HOME": HOME,
    "SANDBOX_VOLUMES": "/srv/code:/workspace:rw,~/data:/data:ro,volume:cache:/cache",
    "SANDBOX_USER_ID": "1234",
    "SANDBOX_GROUP_ID": "2345",
    "SANDBOX_RUNTIME_BINDING_ADDRESS": "127.0.0.1",
    "SANDBOX_ADDITIONAL_NETWORKS": "['ohs-test-net-a', 'ohs-test-net-b']",
    "SANDBOX_ENV_GREETING": "hello \"world\" \u00e9",
    "AGENT_SERVER_IMAGE_REPOSITORY": "ohs-test",
    "AGENT_SERVER_IMAGE_TAG": "latest",
}


def cli_path():
    """The C CLI built next to the library under test, or $OHSANDBOX_CLI."""
    p = os.environ.get("OHSANDBOX_CLI")
    if p:
        return p
    lib = ohsandbox.library_path()
    # BUILD/libohsandbox/.libs/libohsandbox.so.0 -> BUILD/tools/ohsandbox
    if lib and os.path.isabs(lib):
        cand = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(lib))),
                            "tools", "ohsandbox")
        if os.access(cand, os.X_OK):
            return cand
    return None


class TestConfigFromEnv(unittest.TestCase):

    def test_dict_env(self):
        cfg = Config.from_env(ENV)
        self.assertEqual(cfg.image, "ohs-test:latest")
        self.assertEqual(cfg.user, "1234:2345")
        self.assertEqual(cfg.workdir, "/workspace")
        self.assertEqual(list(cfg.volumes), [
            Mount("bind", "/srv/code", "/workspace", "rw"),
            Mount("bind", HOME + "/data", "/data", "ro"),
            Mount("volume", "cache", "/cache", "rw"),
        ])
        self.assertEqual(len(cfg.volumes), 3)
        self.assertEqual(cfg.volumes[-1].target, "/cache")
        self.assertEqual(cfg.volumes[1:2], [Mount("bind", HOME + "/data", "/data", "ro")])
        self.assertEqual(cfg.volumes.workspace, "/srv/code")
        np = cfg.netpolicy
        self.assertEqual(np.binding_address, "127.0.0.1")
        self.assertEqual(np.mode, "bridge")
        self.assertFalse(np.internal)
        self.assertEqual(np.networks, ["ohs-test-net-a", "ohs-test-net-b"])
        self.assertEqual(cfg.env, {"GREETING": "hello \"world\" \u00e9"})
        d = cfg.to_dict()
        self.assertEqual(d["user"], "1234:2345")
        self.assertEqual(d["create_body"], json.loads(cfg.create_body()))
        body = json.loads(cfg.create_body())
        self.assertEqual(body["Image"], "ohs-test:latest")
        self.assertEqual(body["User"], "1234:2345")

    def test_os_environ_default(self):
        saved = dict(os.environ)
        try:
            os.environ["SANDBOX_USER_ID"] = "4321"
            os.environ.pop("SANDBOX_GROUP_ID", None)
            self.assertTrue(Config.from_env().user.startswith("4321"))
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_deprecated_variable_warns(self):
        cfg = Config.from_env({"HOME": HOME, "WORKSPACE_BASE": "/srv/old"})
        self.assertTrue(cfg.warnings)
        self.assertIn("WORKSPACE_BASE", " ".join(cfg.warnings))
        self.assertEqual(cfg.volumes.workspace, "/srv/old")

    def test_bad_input_names_the_variable(self):
        cases = [
            ({"SANDBOX_VOLUMES": "/data:data:ro"}, "SANDBOX_VOLUMES"),
            ({"SANDBOX_VOLUMES": "/a:/b:rx"}, "SANDBOX_VOLUMES"),
            ({"SANDBOX_USER_ID": "abc"}, "SANDBOX_USER_ID"),
            ({"SANDBOX_RUNTIME_BINDING_ADDRESS": "localhost"}, "SANDBOX_RUNTIME_BINDING_ADDRESS"),
            ({"SANDBOX_ADDITIONAL_NETWORKS": "[1, 2"}, "SANDBOX_ADDITIONAL_NETWORKS"),
        ]
        for env, needle in cases:
            env = dict(env, HOME=HOME)
            with self.subTest(env=env):
                with self.assertRaises(InvalidConfig) as cm:
                    Config.from_env(env)
                e = cm.exception
                self.assertIsInstance(e, OhsError)
                self.assertIsInstance(e, ValueError)
                self.assertEqual(e.code, -2)
                self.assertEqual(e.code_name, "OHS_EINVAL")
                self.assertIn(needle, e.message)
                self.assertIn(needle, str(e))
                self.assertEqual(e.http_status, 0)


class TestThreads(unittest.TestCase):

    def test_errors_are_per_thread(self):
        # each thread gets the message of its own failing call
        import threading
        names = ["SANDBOX_USER_ID", "SANDBOX_VOLUMES", "SANDBOX_RUNTIME_BINDING_ADDRESS",
                 "SANDBOX_ADDITIONAL_NETWORKS"]
        bad = {"SANDBOX_USER_ID": "x%d", "SANDBOX_VOLUMES": "/a:rel%d",
               "SANDBOX_RUNTIME_BINDING_ADDRESS": "host%d.example",
               "SANDBOX_ADDITIONAL_NETWORKS": "[%d"}
        failures = []

        def worker(k):
            name = names[k % len(names)]
            for i in range(200):
                try:
                    Config.from_env({"HOME": HOME, name: bad[name] % i})
                    failures.append("no error for %s" % name)
                except InvalidConfig as e:
                    if name not in e.message:
                        failures.append("%s not in %r" % (name, e.message))
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])


class TestSetters(unittest.TestCase):

    def test_properties(self):
        cfg = Config()
        cfg.image = "ohs-test:latest"
        cfg.user = "1000:1000"
        cfg.workdir = "/tmp"
        cfg.command = ["sleep", "60"]
        cfg.env = {"A": "1", "B": "two"}
        cfg.set_env("A", "3")
        cfg.labels = {"ohs-test": "yes"}
        cfg.limits = (256 << 20, 10 ** 9, 128)
        cfg.init = False
        self.assertEqual(cfg.image, "ohs-test:latest")
        self.assertEqual(cfg.user, "1000:1000")
        self.assertEqual(cfg.workdir, "/tmp")
        self.assertEqual(cfg.command, ["sleep", "60"])
        self.assertEqual(cfg.env, {"A": "3", "B": "two"})
        self.assertEqual(cfg.labels, {"ohs-test": "yes"})
        self.assertEqual(cfg.limits, ohsandbox.Limits(256 << 20, 10 ** 9, 128))
        self.assertFalse(cfg.init)
        body = json.loads(cfg.create_body())
        self.assertEqual(body["Cmd"], ["sleep", "60"])
        self.assertEqual(body["HostConfig"]["Memory"], 256 << 20)
        self.assertEqual(body["HostConfig"]["PidsLimit"], 128)
        cfg.command = None
        self.assertEqual(cfg.command, [])
        with self.assertRaises(ValueError):
            cfg.env = {"A": "1"}          # B cannot be removed
        with self.assertRaises(TypeError):
            cfg.command = "sleep 60"

    def test_setter_errors(self):
        cfg = Config()
        for attr, value, needle in [("workdir", "relative", "relative"),
                                    ("image", "UPPER CASE:!", "UPPER CASE:!"),
                                    ("memory_limit", -1, "-1")]:
            with self.subTest(attr=attr):
                with self.assertRaises(InvalidConfig) as cm:
                    setattr(cfg, attr, value)
                self.assertIn(needle, cm.exception.message)

    def test_volumes_object(self):
        v = Volumes.parse("~/src:/workspace,rel:/data:ro", home="/h", cwd="/c")
        self.assertEqual(v[:], [Mount("bind", "/h/src", "/workspace", "rw"),
                                Mount("bind", "/c/rel", "/data", "ro")])
        v.add("/x", "/y", mode="ro")
        v.append(Mount("volume", "vol1", "/v", "rw"))
        self.assertEqual(len(v), 4)
        with self.assertRaises(IndexError):
            v[4]
        with self.assertRaises(InvalidConfig) as cm:
            v.add("/x", "not-absolute")
        self.assertIn("not-absolute", cm.exception.message)
        with self.assertRaises(InvalidConfig) as cm:
            Volumes.parse("/a:/b,/c:d")
        self.assertIn("entry 2", cm.exception.message)
        cfg = Config()
        cfg.volumes = v
        self.assertEqual(cfg.volumes[:], v[:])
        cfg.volumes.add("/more", "/more")         # borrowed view edits the config
        self.assertEqual(len(cfg.volumes), 5)
        self.assertEqual(len(v), 4)               # the assigned list was copied
        cfg.volumes = [("bind", "/only", "/workspace", "rw")]
        self.assertEqual(cfg.volumes.workspace, "/only")

    def test_netpolicy_object(self):
        np = NetPolicy()
        self.assertEqual((np.binding_address, np.mode, np.internal), ("0.0.0.0", "bridge", False))
        np.binding_address = "127.0.0.1"
        np.mode = "none"
        np.internal = True
        np.add_network("ohs-test-n1")
        np.parse_networks('["ohs-test-n2", "ohs-test-n1"]')
        np.add_port(8080)
        np.parse_port("127.0.0.1:9000:90/udp")
        self.assertEqual(np.networks, ["ohs-test-n1", "ohs-test-n2"])
        self.assertEqual(np.ports, [Port(8080, "tcp", "127.0.0.1", 0),
                                    Port(90, "udp", "127.0.0.1", 9000)])
        with self.assertRaises(InvalidConfig) as cm:
            np.binding_address = "example.com"
        self.assertIn("example.com", cm.exception.message)
        with self.assertRaises(InvalidConfig):
            np.add_port(8080)                     # same port twice
        with self.assertRaises(InvalidConfig) as cm:
            np.parse_port("abc")
        self.assertIn("abc", cm.exception.message)
        cfg = Config()
        cfg.netpolicy = np
        self.assertEqual(cfg.netpolicy.ports, np.ports)
        cfg.netpolicy.parse_port("7000")
        self.assertEqual(len(cfg.netpolicy.ports), 3)
        self.assertEqual(len(np.ports), 2)


class TestHandles(unittest.TestCase):

    def test_close_is_idempotent_and_final(self):
        cfg = Config()
        vols = cfg.volumes
        with cfg:
            pass
        self.assertTrue(cfg.closed)
        cfg.close()
        self.assertTrue(vols.closed)
        with self.assertRaises(ValueError):
            cfg.image
        with self.assertRaises(ValueError):
            len(vols)

    def test_borrowed_view_keeps_owner_alive(self):
        cfg = Config.from_env(ENV)
        ref = weakref.ref(cfg)
        vols, np = cfg.volumes, cfg.netpolicy
        del cfg
        gc.collect()
        self.assertIsNotNone(ref())
        self.assertEqual(len(vols), 3)
        self.assertEqual(np.binding_address, "127.0.0.1")
        del vols, np
        gc.collect()
        self.assertIsNone(ref())

    def test_view_follows_replacement(self):
        cfg = Config()
        vols = cfg.volumes
        cfg.volumes = Volumes.parse("/a:/workspace")
        self.assertEqual(vols.workspace, "/a")

    def test_gc_frees(self):
        for _ in range(2000):
            Config.from_env(ENV).volumes.copy()
        gc.collect()

    def test_owned_string_freed(self):
        cfg = Config.from_env(ENV)
        for _ in range(500):
            self.assertTrue(cfg.create_body().startswith("{"))


class TestMisc(unittest.TestCase):

    def test_version_and_strerror(self):
        self.assertRegex(ohsandbox.library_version(), r"^\d+\.\d+\.\d+$")
        self.assertGreater(ohsandbox.library_version_number(), 0)
        self.assertIn("not found", ohsandbox.strerror(-4).lower())
        self.assertEqual(ohsandbox.env_get("X", {"X": "1"}), "1")
        self.assertIsNone(ohsandbox.env_get("X", {}))

    def test_every_function_declared(self):
        # every exported ohs_* symbol of the loaded library has a declaration
        lib = ohsandbox.library_path()
        if not os.path.isabs(lib):
            self.skipTest("library loaded by name; no file to list")
        try:
            out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True,
                                 text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            self.skipTest("nm unavailable: %s" % e)
        syms = {line.split()[-1].split("@")[0] for line in out.splitlines()
                if " T " in line and line.split()[-1].startswith("ohs_")}
        self.assertTrue(syms)
        self.assertEqual(sorted(syms - set(ohsandbox._lib.FUNCTIONS)), [])


    def test_every_header_function_declared(self):
        # every OHS_EXTERN function of the public headers is in the table
        import glob
        import re
        inc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                           "include", "ohsandbox")
        headers = glob.glob(os.path.join(inc, "*.h"))
        if not headers:
            self.skipTest("headers not found at %s" % inc)
        names = set()
        for h in headers:
            with open(h) as f:
                names |= set(re.findall(r"OHS_EXTERN\([^)]*\)\s*\**\s*(ohs_\w+)\s*\(", f.read()))
        self.assertIn("ohs_config_create_body", names)
        self.assertEqual(sorted(names - set(ohsandbox._lib.FUNCTIONS)), [])


class TestParity(unittest.TestCase):
    """create_body from Python == create_body from the C CLI, byte for byte."""

    def test_create_body_matches_cli(self):
        cli = cli_path()
        if not cli:
            self.skipTest("the ohsandbox CLI was not found (set OHSANDBOX_CLI)")
        env = dict(ENV, PATH=os.environ.get("PATH", "/usr/bin:/bin"))
        lib_dir = os.path.dirname(ohsandbox.library_path())
        env["LD_LIBRARY_PATH"] = lib_dir
        # --show-secrets: the exact create body, SANDBOX_ENV_* values unmasked
        proc = subprocess.run([cli, "config", "--json", "--show-secrets"], env=env, capture_output=True,
                              check=True)
        cli_json = proc.stdout.decode("utf-8").rstrip("\n")
        py_body = Config.from_env(env).create_body()
        # the CLI prints the body compactly inside to_json: the exact bytes must appear
        self.assertIn('"create_body":' + py_body + "}", cli_json)
        self.assertTrue(cli_json.endswith('"create_body":' + py_body + "}"))
        self.assertEqual(json.loads(cli_json)["create_body"], json.loads(py_body))


class TestPolicy(unittest.TestCase):

    def setUp(self):
        if not ohsandbox._lib.have("ohs_policy_new"):
            self.skipTest("the loaded library has no policy API")

    def test_findings_are_objects(self):
        cfg = Config.from_env({"HOME": HOME, "SANDBOX_VOLUMES": "/:/host:rw"})
        pol = Policy("default", "warn")
        self.assertEqual((pol.profile, pol.mode), ("default", "warn"))
        f = pol.check(cfg)
        self.assertIsInstance(f, ohsandbox.Findings)
        self.assertTrue(f)
        self.assertIsInstance(f[0], ohsandbox.Finding)
        self.assertGreaterEqual(f.refused_count, 1)
        self.assertTrue(any(x.field.startswith("HostConfig.") and x.refused for x in f))
        self.assertEqual(f.to_dict()["profile"], "default")
        body, f2 = pol.apply(cfg)           # warn: not refused
        self.assertEqual(body, cfg.create_body())

    def test_enforce_refuses(self):
        cfg = Config.from_env({"HOME": HOME, "SANDBOX_VOLUMES": "/:/host:rw"})
        with self.assertRaises(PolicyRefused) as cm:
            Policy().apply(cfg)
        e = cm.exception
        self.assertEqual(e.code_name, "OHS_EPOLICY")
        self.assertTrue(e.findings)
        self.assertTrue(any(x.refused for x in e.findings))

    def test_merged_host_config_goes_through_the_policy(self):
        cfg = Config()
        cfg.merge_host_config({"ShmSize": 1 << 20})
        cfg.merge_host_config('{"Privileged":true}')
        self.assertEqual(cfg.host_config_extra, {"ShmSize": 1 << 20, "Privileged": True})
        self.assertIn('"Privileged":true', cfg.create_body())
        with self.assertRaises(ohsandbox.PolicyRefused) as cm:
            cfg.apply_policy()
        self.assertIn("5.4", str(cm.exception))
        with self.assertRaises(ohsandbox.InvalidConfig) as cm:
            cfg.merge_host_config("[1]")
        self.assertIn("not a JSON object", str(cm.exception))

    def test_hardened_rewrite(self):
        cfg = Config()
        cfg.image = "ohs-test:latest"
        pol = Policy("hardened")
        pol.default_limits = (1 << 30, 10 ** 9, 512)
        self.assertEqual(pol.default_limits, (1 << 30, 10 ** 9, 512))
        body, f = pol.apply(cfg)
        hc = json.loads(body)["HostConfig"]
        self.assertEqual(hc["CapDrop"], ["ALL"])
        self.assertEqual(hc["Memory"], 1 << 30)
        self.assertTrue(any(x.fixed for x in f))

    def test_config_policy(self):
        if not ohsandbox._lib.have("ohs_config_policy"):
            self.skipTest("the loaded library has no config policy API")
        cfg = Config.from_env({"HOME": HOME, "SANDBOX_SECURITY_PROFILE": "hardened",
                               "SANDBOX_SECURITY_MODE": "warn"})
        pol = cfg.policy
        self.assertEqual((pol.profile, pol.mode), ("hardened", "warn"))
        body, findings = cfg.apply_policy()
        self.assertEqual(json.loads(body)["HostConfig"]["CapDrop"], ["ALL"])
        self.assertIsInstance(findings, ohsandbox.Findings)
        cfg.policy = Policy("permissive", "warn")
        self.assertEqual(pol.profile, "permissive")       # the view follows the config
        body, _ = cfg.apply_policy()
        self.assertEqual(body, cfg.create_body())
        with self.assertRaises(InvalidConfig) as cm:
            Config.from_env({"HOME": HOME, "SANDBOX_SECURITY_PROFILE": "paranoid"})
        self.assertIn("SANDBOX_SECURITY_PROFILE", cm.exception.message)
        bad = Config.from_env({"HOME": HOME, "SANDBOX_VOLUMES": "/:/host:rw"})
        with self.assertRaises(PolicyRefused) as cm:
            bad.apply_policy()
        self.assertTrue(cm.exception.findings.refused)

    def test_bad_names(self):
        with self.assertRaises(InvalidConfig) as cm:
            Policy("paranoid")
        self.assertIn("paranoid", cm.exception.message)
        with self.assertRaises(InvalidConfig) as cm:
            Policy("default", "maybe")
        self.assertIn("maybe", cm.exception.message)
        with self.assertRaises(InvalidConfig):
            Policy().check("{not json")


if __name__ == "__main__":
    unittest.main()


class TestApi11Unit(unittest.TestCase):
    """The wrappers of the 0.2.0 and API 1.1 functions that need no engine."""

    def test_override_command(self):
        cfg = Config()
        self.assertEqual(cfg.override_command, "auto")
        cfg.override_command = "TRUE"
        self.assertEqual(cfg.override_command, "true")
        cfg.override_command = False
        self.assertEqual(cfg.override_command, "false")
        cfg.override_command = 0
        self.assertEqual(cfg.override_command, "auto")
        with self.assertRaises(InvalidConfig) as cm:
            cfg.override_command = "sometimes"
        self.assertIn("sometimes", cm.exception.message)
        with self.assertRaises(InvalidConfig):
            cfg.override_command = 7
        env_cfg = Config.from_env({"SANDBOX_OVERRIDE_COMMAND": "false"})
        self.assertEqual(env_cfg.override_command, "false")

    def test_floor_parse_merge_and_config(self):
        f = ohsandbox.Floor.parse('{"profile": "hardened", "networks": ["net-a", "net-b"]}',
                                  origin="test floor")
        self.assertEqual(f.profile, "hardened")
        self.assertIsNone(f.mode)
        self.assertIsNone(f.runtime)
        self.assertIsNone(f.host_paths)
        self.assertEqual(f.networks, ["net-a", "net-b"])
        self.assertIn("test floor", f.origin("profile"))
        self.assertIsNone(f.origin("runtime"))
        g = ohsandbox.Floor.parse('{"networks": ["net-b"], "mode": "enforce", "runtime": "runc"}')
        f.merge(g)
        self.assertEqual(f.networks, ["net-b"])
        self.assertEqual(f.mode, "enforce")
        self.assertEqual(f.runtime, "runc")
        h = f.copy()
        self.assertEqual(h.profile, "hardened")
        with self.assertRaises(InvalidConfig):
            h.merge(ohsandbox.Floor.parse('{"runtime": "runsc"}'))
        self.assertEqual(h.runtime, "runc")
        with self.assertRaises(InvalidConfig) as cm:
            ohsandbox.Floor.parse('{"profile": "lax"}', origin="bad floor")
        self.assertIn("bad floor", cm.exception.message)
        with self.assertRaises(TypeError):
            ohsandbox.Floor()
        cfg = Config()
        self.assertIsNone(cfg.floor)
        cfg.add_floor(f)
        self.assertEqual(cfg.floor.profile, "hardened")
        self.assertEqual(cfg.origin("networks"), cfg.origins["networks"])
        self.assertIsInstance(ohsandbox.Floor.system_path(), str)

    def test_floor_load_and_from_env(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "policy.json")
            with open(path, "w") as fh:
                fh.write('{"profile": "hardened"}')
            f = ohsandbox.Floor.load(path)
            self.assertEqual(f.profile, "hardened")
            self.assertIn(path, f.origin("profile"))
            cfg = Config.from_env({"HOME": "/h"}, floor=f)
            self.assertEqual(cfg.floor.profile, "hardened")
            self.assertEqual(cfg.policy.profile, "hardened")
            with self.assertRaises(ohsandbox.NotFound):
                ohsandbox.Floor.load(os.path.join(d, "missing.json"))

    def test_policy_from_enums(self):
        from ohsandbox import policy
        p = ohsandbox.Policy(policy.PROFILE_HARDENED, policy.MODE_WARN)
        self.assertEqual((p.profile, p.mode), ("hardened", "warn"))
        p = ohsandbox.Policy(policy.PROFILE_PERMISSIVE)
        self.assertEqual((p.profile, p.mode), ("permissive", "enforce"))
        p = ohsandbox.Policy("hardened", policy.MODE_WARN)
        self.assertEqual((p.profile, p.mode), ("hardened", "warn"))
        with self.assertRaises(InvalidConfig) as cm:
            ohsandbox.Policy(5, policy.MODE_WARN)
        self.assertIn("profile 5 is not an ohs_security_profile", cm.exception.message)

    def test_findings_profile_mode_from_getters(self):
        from ohsandbox import policy
        p = ohsandbox.Policy("hardened", "warn")
        f = p.check({"Image": "x", "HostConfig": {"Privileged": True}})
        self.assertEqual(f.profile, "hardened")
        self.assertEqual(f.mode, "warn")
        self.assertEqual(f.to_dict()["profile"], "hardened")

    def test_cancel_handle(self):
        c = ohsandbox.Cancel()
        self.assertFalse(c.triggered)
        c.trigger()
        c.trigger()
        self.assertTrue(c.triggered)
        c.reset()
        self.assertFalse(c.triggered)
        c.close()
        self.assertTrue(c.closed)
        self.assertEqual(ohsandbox.errors.ECANCELED, -16)
        self.assertEqual(ohsandbox.strerror(-16), "canceled")
        e = ohsandbox.errors.from_code(-16, "x")
        self.assertIsInstance(e, ohsandbox.Canceled)
        self.assertEqual(e.code_name, "OHS_ECANCELED")
