#!/bin/sh
# The operator's floor through the CLI (review B0): with a floor file,
# SANDBOX_SECURITY_PROFILE=permissive / SANDBOX_SECURITY_MODE=warn are refused
# (exit 3, one stderr line naming the variable and the file); config and check
# (human and --json) print where each setting came from; --floor only adds to
# the system floor; a malformed floor fails closed naming the file and the key.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/code" "$tmp/other" "$tmp/home"
ln -s "$tmp/other" "$tmp/code/escape"
clean_env() { env -i PATH="$PATH" HOME="$tmp/home" "$@"; }
floor="$tmp/policy.json"
cat >"$floor" <<EOF
{"profile": "hardened", "mode": "enforce", "host_paths": ["$tmp/code"], "networks": ["bridge"], "runtime": "runsc"}
EOF

# The environment cannot lower the floor.
for var in SANDBOX_SECURITY_PROFILE=permissive SANDBOX_SECURITY_PROFILE=default SANDBOX_SECURITY_MODE=warn; do
	for cmd in config check; do
		clean_env "$var" "$bin" $cmd --floor "$floor" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ $rc -eq 3 ] || fail "$cmd with $var: status $rc, expected 3: $(cat "$tmp/err")"
		[ -s "$tmp/out" ] && fail "$cmd with $var wrote to stdout: $(cat "$tmp/out")"
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$cmd with $var: expected one stderr line: $(cat "$tmp/err")"
		grep -q "${var%%=*}: \"${var#*=}\" is weaker than the floor" "$tmp/err" ||
			fail "$cmd with $var: stderr does not name the variable: $(cat "$tmp/err")"
		grep -q "policy file $floor" "$tmp/err" || fail "$cmd with $var: stderr does not name the floor: $(cat "$tmp/err")"
	done
done
# No floor: the same variable works as before.
clean_env SANDBOX_SECURITY_PROFILE=permissive "$bin" check >"$tmp/out" 2>&1 ||
	fail "permissive without a floor: $(cat "$tmp/out")"
grep -q "^origin:    profile             SANDBOX_SECURITY_PROFILE" "$tmp/out" ||
	fail "check does not say where the profile came from: $(cat "$tmp/out")"

# Provenance, human form.
clean_env SANDBOX_USER_ID=1000 SANDBOX_VOLUMES="$tmp/code:/workspace" "$bin" config --floor "$floor" >"$tmp/out" 2>"$tmp/err" ||
	fail "config with a floor: $(cat "$tmp/err")"
for line in "origin:    profile             policy file $floor" \
	"origin:    mode                policy file $floor" \
	"origin:    host_paths          policy file $floor" \
	"origin:    networks            policy file $floor" \
	"origin:    runtime             policy file $floor" \
	"origin:    volumes             SANDBOX_VOLUMES" \
	"origin:    user                SANDBOX_USER_ID" \
	"origin:    image               default" \
	"floor:     profile hardened (policy file $floor)" \
	"floor:     runtime runsc (policy file $floor)" \
	"security:  profile hardened, mode enforce"; do
	grep -qF "$line" "$tmp/out" || fail "config output lacks \"$line\": $(cat "$tmp/out")"
done
# A stricter request is the variable's.
clean_env SANDBOX_USER_ID=1000 SANDBOX_SECURITY_PROFILE=hardened "$bin" check --floor "$tmp/policy.json" >"$tmp/out" 2>&1 ||
	fail "hardened under a hardened floor: $(cat "$tmp/out")"
grep -qF "origin:    profile             policy file $floor" "$tmp/out" || fail "equal profile: $(cat "$tmp/out")"

# Provenance, --json (config and check).
clean_env SANDBOX_USER_ID=1000 SANDBOX_VOLUMES="$tmp/code:/workspace" "$bin" config --json --floor "$floor" >"$tmp/c.json" ||
	fail "config --json with a floor"
clean_env SANDBOX_USER_ID=1000 SANDBOX_VOLUMES="$tmp/code:/workspace" "$bin" check --json --floor "$floor" >"$tmp/k.json" ||
	fail "check --json with a floor"
python3 - "$tmp" "$floor" <<'PY' || fail "--json provenance is wrong: $(cat "$tmp/c.json") $(cat "$tmp/k.json")"
import json, sys
tmp, floor = sys.argv[1], sys.argv[2]
origin = "policy file " + floor
c = json.load(open(tmp + "/c.json"))
k = json.load(open(tmp + "/k.json"))
for d in (c["origins"], k["origins"]):
    for key in ("profile", "mode", "host_paths", "networks", "runtime"):
        assert d[key] == origin, (key, d)
    assert d["volumes"] == "SANDBOX_VOLUMES" and d["user"] == "SANDBOX_USER_ID", d
f = c["floor"]
assert f["profile"] == "hardened" and f["mode"] == "enforce" and f["runtime"] == "runsc", f
assert f["host_paths"] == [tmp + "/code"] and f["networks"] == ["bridge"], f
assert c["security"]["profile"] == "hardened" and not c["security"]["blocked"], c["security"]
assert c["create_body"]["HostConfig"]["Runtime"] == "runsc", c["create_body"]
assert k["profile"] == "hardened" and k["refused"] == 0, k
PY

# A symlink in host_paths that leads out: exit 3 naming the resolved path, in human and --json.
clean_env SANDBOX_USER_ID=1000 SANDBOX_VOLUMES="$tmp/code/escape:/workspace" "$bin" check --floor "$floor" >"$tmp/out" 2>"$tmp/err"
rc=$?; [ $rc -eq 3 ] || fail "escaping symlink: status $rc, expected 3"
grep -q "^REFUSED floor-host-paths: .*resolves to \"$tmp/other\"" "$tmp/out" || fail "escape not reported: $(cat "$tmp/out")"
grep -q "floor-host-paths" "$tmp/err" || fail "escape not on stderr: $(cat "$tmp/err")"
clean_env SANDBOX_USER_ID=1000 SANDBOX_VOLUMES="$tmp/code/escape:/workspace" "$bin" check --json --floor "$floor" >"$tmp/out" 2>/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["refusal"].startswith("floor-host-paths"), d' "$tmp/out" ||
	fail "check --json lacks the refusal: $(cat "$tmp/out")"
# A network the floor does not list; run refuses before the engine is contacted.
clean_env SANDBOX_USER_ID=1000 SANDBOX_NETWORK=other-net DOCKER_HOST=unix:///nonexistent "$bin" run --floor "$floor" true >"$tmp/out" 2>"$tmp/err"
rc=$?; [ $rc -eq 3 ] || fail "run on an unlisted network: status $rc, expected 3: $(cat "$tmp/err")"
grep -q 'floor-networks: HostConfig.NetworkMode "other-net"' "$tmp/err" || fail "run: $(cat "$tmp/err")"

# A floor that pins nothing stricter than permissive does not refuse it (floors never invent limits).
echo '{"profile": "permissive"}' >"$tmp/weak.json"
clean_env SANDBOX_SECURITY_PROFILE=permissive "$bin" check --floor "$tmp/weak.json" >/dev/null 2>&1 ||
	fail "a permissive floor refuses permissive"

# Malformed floors fail closed: status 2, one line naming the file and the key.
check_bad() { # json expected-substring
	printf '%s' "$1" >"$tmp/bad.json"
	clean_env "$bin" config --floor "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "$1: status $rc, expected 2"
	[ -s "$tmp/out" ] && fail "$1: wrote to stdout"
	grep -qF "policy file $tmp/bad.json" "$tmp/err" || fail "$1: stderr does not name the file: $(cat "$tmp/err")"
	grep -qF -- "$2" "$tmp/err" || fail "$1: stderr does not say \"$2\": $(cat "$tmp/err")"
}
check_bad '{"profile": "hardened",}' 'not valid JSON'
check_bad '{"profile": "off"}' 'key "profile": "off" is unknown'
check_bad '{"mode": 1}' 'key "mode" is an integer'
check_bad '{"host_paths": ["code"]}' 'key "host_paths" entry 1 ("code") is not an absolute path'
check_bad '{"networks": "n"}' 'key "networks" is a string'
check_bad '{"runtime": "a", "runtime": "b"}' 'key "runtime" appears more than once'
check_bad '{"profiles": "hardened"}' 'key "profiles" is unknown'
clean_env "$bin" config --floor "$tmp/missing.json" >/dev/null 2>"$tmp/err"
rc=$?; [ $rc -eq 2 ] || fail "missing --floor file: status $rc, expected 2"
grep -qF "policy file $tmp/missing.json: cannot be read" "$tmp/err" || fail "missing floor: $(cat "$tmp/err")"

# Nothing in the environment names the floor file.
strings "$top_builddir/libohsandbox/.libs/libohsandbox.so" | grep -q 'OHS_FLOOR\|SANDBOX_POLICY_FILE\|SANDBOX_FLOOR' &&
	fail "the library reads a variable naming the floor"
# Against the engine (when one answers): the floor's runtime reaches the create
# call (an unknown one is the engine's refusal), a listed runtime runs, and
# nothing is left behind.
if "$bin" ps >/dev/null 2>&1; then
	image=${OHS_TEST_IMAGE:-ohs-test:latest}
	marker="ohs-floor-test-$$-$(date +%s%N)"
	leftovers() {
		n=0
		for c in $(docker ps -aq --filter label=org.ohsandbox.managed); do
			docker inspect --format '{{.Config.Env}}' "$c" 2>/dev/null | grep -q "$marker" && n=$((n + 1))
		done
		echo $n
	}
	erun() { env -i PATH="$PATH" HOME="$tmp/home" SANDBOX_ENV_OHS_MARKER="$marker" SANDBOX_USER_ID=1000 "$@"; }
	printf '{"profile": "hardened", "networks": ["bridge"], "runtime": "runc", "host_paths": ["%s/code"]}' "$tmp" >"$tmp/runc.json"
	echo hello >"$tmp/code/f"
	chmod -R a+rX "$tmp"
	erun SANDBOX_VOLUMES="$tmp/code:/workspace:ro" "$bin" run --floor "$tmp/runc.json" --image "$image" -- cat /workspace/f >"$tmp/o" 2>"$tmp/e" ||
		fail "run under a floor with runtime runc: $(cat "$tmp/e")"
	[ "$(cat "$tmp/o")" = hello ] || fail "run under a floor: stdout $(cat "$tmp/o")"
	echo '{"runtime": "ohs-no-such-runtime"}' >"$tmp/nort.json"
	erun "$bin" run --floor "$tmp/nort.json" --image "$image" -- true >/dev/null 2>"$tmp/e" &&
		fail "an unknown floor runtime was not sent to the engine"
	grep -q "ohs-no-such-runtime" "$tmp/e" || fail "the engine did not see the floor's runtime: $(cat "$tmp/e")"
	[ "$(leftovers)" -eq 0 ] || fail "containers left behind"
elif [ -n "${OHS_REQUIRE_ENGINE:-}" ] && [ "${OHS_REQUIRE_ENGINE}" != 0 ]; then
	fail "no engine and OHS_REQUIRE_ENGINE is set"
fi
echo "ok: the operator's floor holds against the environment"
