#!/bin/sh
# ohsandbox config: human and --json output, exit status 2 and one stderr line
# naming the variable on invalid input, nothing on stdout then.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/code" "$tmp/home/proj"
clean_env() { env -i PATH="$PATH" HOME="$tmp/home" "$@"; }

# A full sample environment, as JSON.
clean_env SANDBOX_VOLUMES="$tmp/code:/workspace:rw, ~/proj:/data:ro" \
	SANDBOX_USER_ID=1234 SANDBOX_GROUP_ID=99 \
	SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1 \
	SANDBOX_ADDITIONAL_NETWORKS="['net-a', 'net_b']" \
	AGENT_SERVER_IMAGE_REPOSITORY=ohs-test AGENT_SERVER_IMAGE_TAG=latest \
	SANDBOX_ENV_FOO=bar \
	"$bin" config --json >"$tmp/out.json" 2>"$tmp/err" || fail "config --json failed: $(cat "$tmp/err")"
python3 - "$tmp" <<'PY' || fail "config --json output is wrong: $(cat "$tmp/out.json")"
import json, sys
tmp = sys.argv[1]
d = json.load(open(tmp + "/out.json"))
for k in ("image", "user", "workdir", "volumes", "network", "env", "warnings", "create_body"):
    assert k in d, "missing key " + k
assert d["image"] == "ohs-test:latest", d["image"]
assert d["user"] == "1234:99", d["user"]
assert d["workdir"] == "/workspace"
v = d["volumes"]
assert v[0] == {"type": "bind", "source": tmp + "/code", "target": "/workspace", "mode": "rw"}, v[0]
assert v[1] == {"type": "bind", "source": tmp + "/home/proj", "target": "/data", "mode": "ro"}, v[1]
n = d["network"]
assert n["binding_address"] == "127.0.0.1" and n["additional_networks"] == ["net-a", "net_b"], n
assert "FOO=***" in d["env"], d["env"]  # masked without --show-secrets (tests/cli_secrets.sh)
assert d["warnings"] == [], d["warnings"]
b = d["create_body"]
assert b["Image"] == "ohs-test:latest" and b["User"] == "1234:99" and b["WorkingDir"] == "/workspace"
assert b["HostConfig"]["Init"] is True
PY
[ -s "$tmp/err" ] && fail "config --json wrote to stderr: $(cat "$tmp/err")"

# Human form mentions the same facts.
clean_env SANDBOX_VOLUMES="$tmp/code:/workspace" "$bin" config >"$tmp/out.txt" || fail "config failed"
grep -q "$tmp/code -> /workspace (rw)" "$tmp/out.txt" || fail "human output lacks the mount: $(cat "$tmp/out.txt")"

# Deprecated WORKSPACE_BASE gives a warning with the SANDBOX_VOLUMES equivalent.
clean_env WORKSPACE_BASE="$tmp/code" "$bin" config --json >"$tmp/out.json" || fail "WORKSPACE_BASE failed"
grep -q "SANDBOX_VOLUMES=$tmp/code:/workspace:rw" "$tmp/out.json" || fail "no deprecation warning: $(cat "$tmp/out.json")"

# Invalid input: status 2, one line on stderr naming the variable, nothing on stdout.
check_bad() { # VAR=value expected-substring
	clean_env "$1" "$bin" config --json >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "$1: exit status $rc, expected 2"
	[ -s "$tmp/out" ] && fail "$1: wrote to stdout: $(cat "$tmp/out")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$1: expected one line on stderr, got: $(cat "$tmp/err")"
	grep -q -- "$2" "$tmp/err" || fail "$1: stderr does not name \"$2\": $(cat "$tmp/err")"
}
check_bad 'SANDBOX_VOLUMES=/a:/b:rx' 'SANDBOX_VOLUMES entry 1'
check_bad 'SANDBOX_VOLUMES=/a:/w,/data:data:ro' 'SANDBOX_VOLUMES entry 2 ("/data:data:ro")'
check_bad 'SANDBOX_USER_ID=-5' 'SANDBOX_USER_ID'
check_bad 'SANDBOX_RUNTIME_BINDING_ADDRESS=localhost' 'SANDBOX_RUNTIME_BINDING_ADDRESS'
check_bad 'SANDBOX_ADDITIONAL_NETWORKS=a,b' 'SANDBOX_ADDITIONAL_NETWORKS'
check_bad 'SANDBOX_USE_HOST_NETWORK=maybe' 'SANDBOX_USE_HOST_NETWORK'
check_bad 'AGENT_SERVER_IMAGE_TAG=bad tag' 'AGENT_SERVER_IMAGE_TAG'
# B5: "internal" on the default bridge can never hold: refused, never printed as "(internal)"
check_bad 'SANDBOX_NETWORK_INTERNAL=true' 'SANDBOX_NETWORK_INTERNAL=true cannot be honoured on network "bridge"'
clean_env SANDBOX_NETWORK_INTERNAL=true SANDBOX_NETWORK=host "$bin" config >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'network "host"' "$tmp/err" || fail "internal + host: $(cat "$tmp/err")"
clean_env SANDBOX_NETWORK_INTERNAL=true SANDBOX_NETWORK=sbx-net "$bin" config >"$tmp/out" 2>"$tmp/err" ||
	fail "internal + own network: $(cat "$tmp/err")"
grep -q '^network:   mode sbx-net (internal: created internal, or refused if it exists and is not)' "$tmp/out" ||
	fail "internal + own network: $(grep network "$tmp/out")"

# ohsandbox check: 3 with each refusing check listed, 0 otherwise; unknown profile 2.
clean_env SANDBOX_VOLUMES="/var/run/docker.sock:/var/run/docker.sock" "$bin" check >"$tmp/out" 2>"$tmp/err"
rc=$?; [ $rc -eq 3 ] || fail "check on a docker.sock mount: status $rc, expected 3"
grep -q '^REFUSED 5.31' "$tmp/out" || fail "check does not list 5.31 as refused: $(cat "$tmp/out")"
clean_env SANDBOX_SECURITY_MODE=warn SANDBOX_VOLUMES="/var/run/docker.sock:/var/run/docker.sock" "$bin" check >"$tmp/out" 2>&1
rc=$?; [ $rc -eq 0 ] || fail "check in warn mode: status $rc, expected 0"
grep -q '5.31' "$tmp/out" || fail "check in warn mode does not report 5.31"
clean_env SANDBOX_VOLUMES="$tmp/code:/workspace" "$bin" check >"$tmp/out" 2>&1 || fail "check on a plain config failed: $(cat "$tmp/out")"
# Host network: refused by default (3) and hardened, reported in warn mode and by permissive (0).
for prof in default hardened; do
	clean_env SANDBOX_SECURITY_PROFILE=$prof SANDBOX_USE_HOST_NETWORK=true "$bin" check >"$tmp/out" 2>"$tmp/err"
	rc=$?; [ $rc -eq 3 ] || fail "check with host network under $prof: status $rc, expected 3"
	grep -q '^REFUSED 5.9' "$tmp/out" || fail "check under $prof does not list 5.9 as refused: $(cat "$tmp/out")"
done
clean_env SANDBOX_SECURITY_MODE=warn SANDBOX_USE_HOST_NETWORK=true "$bin" check >"$tmp/out" 2>&1 ||
	fail "check with host network in warn mode failed: $(cat "$tmp/out")"
grep -q '5.9' "$tmp/out" || fail "check in warn mode does not report 5.9: $(cat "$tmp/out")"
clean_env SANDBOX_SECURITY_PROFILE=permissive SANDBOX_USE_HOST_NETWORK=true "$bin" check >"$tmp/out" 2>&1 ||
	fail "check with host network under permissive failed: $(cat "$tmp/out")"
clean_env SANDBOX_SECURITY_PROFILE=hardened SANDBOX_USER_ID=1000 "$bin" check --json >"$tmp/out" ||
	fail "hardened check --json failed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["profile"]=="hardened" and d["refused"]==0, d' "$tmp/out" ||
	fail "hardened check --json: $(cat "$tmp/out")"
clean_env SANDBOX_SECURITY_PROFILE=hardened SANDBOX_USER_ID=1000 "$bin" config --json >"$tmp/out.json" || fail "hardened config failed"
python3 - "$tmp/out.json" <<'PY' || fail "hardened config --json create_body is not hardened: $(cat "$tmp/out.json")"
import json, sys
d = json.load(open(sys.argv[1]))
h = d["create_body"]["HostConfig"]
assert h["CapDrop"] == ["ALL"], h
assert any(o.startswith("no-new-privileges") for o in h["SecurityOpt"]), h
assert h["Memory"] > 0 and h["PidsLimit"] > 0, h
assert d["security"]["profile"] == "hardened" and d["security"]["blocked"] is False, d["security"]
PY
check_bad 'SANDBOX_SECURITY_PROFILE=paranoid' 'SANDBOX_SECURITY_PROFILE'
check_bad 'SANDBOX_SECURITY_MODE=allow' 'SANDBOX_SECURITY_MODE'
# run refuses the same way before contacting any engine (an unreachable one would be 125).
clean_env DOCKER_HOST=unix:///nonexistent/ohs.sock SANDBOX_VOLUMES="/var/run/docker.sock:/var/run/docker.sock" \
	"$bin" run -- true >"$tmp/out" 2>"$tmp/err"
rc=$?; [ $rc -eq 3 ] || fail "run with a refused config: status $rc, expected 3 ($(cat "$tmp/err"))"
grep -q 'REFUSED 5.31' "$tmp/err" || fail "run does not list the refusing check: $(cat "$tmp/err")"

# Usage errors are status 2 too.
"$bin" config --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: expected status 2"
"$bin" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command: expected status 2"
echo "ok: ohsandbox config"
