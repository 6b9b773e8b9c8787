#!/bin/sh
# Secrets stay secret (review W5) and the engine connection warns when it is
# not both encrypted and verified (W4), as seen from the ohsandbox CLI:
# - SANDBOX_ENV_* values never appear in the output of config, config --json,
#   check, check --json, nor in any error message; --show-secrets shows them;
# - user information in DOCKER_HOST is masked in every message;
# - a command that contacts the engine over plain tcp:// (a fake engine in
#   python3) or over TLS without verification prints one warning on stderr.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
tmp=$(mktemp -d)
fake_pid=
cleanup() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/home"
clean_env() { env -i PATH="$PATH" HOME="$tmp/home" "$@"; }
secret=ghp_SECRETVALUE0123456789
# out FILE...: fail when the secret is in one of them
no_secret() {
	what=$1; shift
	for f in "$@"; do
		grep -q "SECRETVALUE" "$f" && fail "$what: the secret is in $(basename "$f"): $(cat "$f")"
	done
	return 0
}

# ---------------------------------------------------------------- config and check
for profile in default hardened; do
	set -- SANDBOX_SECURITY_PROFILE=$profile SANDBOX_USER_ID=1000 SANDBOX_ENV_GITHUB_TOKEN=$secret SANDBOX_ENV_LANG=C.UTF-8
	clean_env "$@" "$bin" config >"$tmp/out" 2>"$tmp/err" || fail "$profile: config failed: $(cat "$tmp/err")"
	no_secret "$profile: config" "$tmp/out" "$tmp/err"
	grep -qx '  GITHUB_TOKEN=\*\*\*' "$tmp/out" || fail "$profile: config does not show GITHUB_TOKEN=***: $(cat "$tmp/out")"
	grep -qx '  LANG=\*\*\*' "$tmp/out" || fail "$profile: config does not mask LANG: $(cat "$tmp/out")"
	grep -q -- '--show-secrets shows them' "$tmp/out" || fail "$profile: config does not say how to show the values"

	clean_env "$@" "$bin" config --json >"$tmp/out" 2>"$tmp/err" || fail "$profile: config --json failed: $(cat "$tmp/err")"
	no_secret "$profile: config --json" "$tmp/out" "$tmp/err"
	python3 - "$tmp/out" <<'PY' || fail "$profile: config --json is not masked: $(cat "$tmp/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["env"] == ["GITHUB_TOKEN=***", "LANG=***"], d["env"]
assert d["create_body"]["Env"] == ["GITHUB_TOKEN=***", "LANG=***"], d["create_body"]["Env"]
assert d["create_body"]["Image"], d
PY

	clean_env "$@" "$bin" config --show-secrets >"$tmp/out" 2>"$tmp/err" || fail "$profile: config --show-secrets failed"
	grep -qx "  GITHUB_TOKEN=$secret" "$tmp/out" || fail "$profile: --show-secrets does not show the value: $(cat "$tmp/out")"
	grep -q 'masked' "$tmp/out" && fail "$profile: --show-secrets still says the values are masked"
	clean_env "$@" "$bin" config --json --show-secrets >"$tmp/out" 2>"$tmp/err" || fail "$profile: config --json --show-secrets failed"
	python3 - "$tmp/out" "$secret" <<'PY' || fail "$profile: --json --show-secrets: $(cat "$tmp/out")"
import json, sys
d = json.load(open(sys.argv[1]))
want = ["GITHUB_TOKEN=" + sys.argv[2], "LANG=C.UTF-8"]
assert d["env"] == want and d["create_body"]["Env"] == want, d
PY

	for json in "" --json; do
		clean_env "$@" "$bin" check $json >"$tmp/out" 2>"$tmp/err"
		rc=$?; [ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "$profile: check $json: status $rc: $(cat "$tmp/err")"
		no_secret "$profile: check $json" "$tmp/out" "$tmp/err"
		grep -q GITHUB_TOKEN "$tmp/out" || fail "$profile: check $json does not name the variable: $(cat "$tmp/out")"
	done
done

# Without any SANDBOX_ENV_* the --json output is the same either way.
clean_env "$bin" config --json >"$tmp/a" && clean_env "$bin" config --json --show-secrets >"$tmp/b" ||
	fail "config --json without env failed"
cmp -s "$tmp/a" "$tmp/b" || fail "config --json differs from --show-secrets without SANDBOX_ENV_*: $(cat "$tmp/a") / $(cat "$tmp/b")"

# ---------------------------------------------------------------- error messages
# bad_secret VAR=value expected-substring [command...]: status 2 or 125, the
# expected text on stderr, the secret nowhere.
bad_secret() {
	spec=$1 needle=$2; shift 2
	clean_env "$spec" "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || [ $rc -eq 125 ] || fail "$spec $*: exit status $rc, expected 2 or 125"
	no_secret "$spec $*" "$tmp/out" "$tmp/err"
	grep -qF -- "$needle" "$tmp/err" || fail "$spec $*: stderr lacks \"$needle\": $(cat "$tmp/err")"
}
for cmd in config "config --json" check "run -- true"; do
	# shellcheck disable=SC2086
	bad_secret "SANDBOX_ENV_API_TOKEN=sk-live-SECRETVALUE$(printf '\377')" \
		'SANDBOX_ENV_API_TOKEN: environment variable API_TOKEN: the value is not valid UTF-8' $cmd
	# shellcheck disable=SC2086
	bad_secret "SANDBOX_ENV_=sk-live-SECRETVALUE" 'SANDBOX_ENV_: the variable name after SANDBOX_ENV_ is empty' $cmd
done
bad_secret "DOCKER_HOST=tcp://admin:SECRETVALUE@127.0.0.1:2375" \
	'DOCKER_HOST ("tcp://***@127.0.0.1:2375"): user information (user:password@) is not supported' ps
bad_secret "DOCKER_HOST=ssh://admin:SECRETVALUE@example.com" 'DOCKER_HOST ("ssh://***@example.com")' reap
bad_secret "DOCKER_HOST=unix://admin:SECRETVALUE@/run/docker.sock" 'DOCKER_HOST ("unix://***@/run/docker.sock")' ps

# ---------------------------------------------------------------- connection warnings
# A fake engine over plain TCP (and over TLS with a self-signed certificate):
# /_ping answers with an Api-Version, every other GET with [].
cat >"$tmp/fake.py" <<'PY'
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        body = b"OK" if self.path.endswith("/_ping") else b"[]"
        self.send_response(200)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Type", "text/plain" if body == b"OK" else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_HEAD = do_GET
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
if len(sys.argv) > 2:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(sys.argv[1], "w").write(str(srv.server_port))
srv.serve_forever()
PY
start_fake() { # portfile [cert key]
	rm -f "$1"
	python3 "$tmp/fake.py" "$@" 2>"$tmp/fake.err" &
	fake_pid=$!
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1)); [ $i -le 100 ] || fail "the fake engine did not start: $(cat "$tmp/fake.err")"
		sleep 0.05
	done
	port=$(cat "$1")
}
stop_fake() { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; fake_pid=; }

start_fake "$tmp/port"
host=tcp://127.0.0.1:$port
clean_env DOCKER_HOST=$host "$bin" ps >"$tmp/out" 2>"$tmp/err" || fail "ps over plain tcp failed: $(cat "$tmp/err")"
grep -q '^ID ' "$tmp/out" || fail "ps printed no table: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "ps over plain tcp: expected one line on stderr: $(cat "$tmp/err")"
grep -qF "ohsandbox: warning: the Docker engine at $host is reached over plain TCP (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH unset)" \
	"$tmp/err" || fail "ps over plain tcp: no warning: $(cat "$tmp/err")"
clean_env DOCKER_HOST=$host "$bin" ps --json >"$tmp/out" 2>"$tmp/err" || fail "ps --json over plain tcp failed: $(cat "$tmp/err")"
[ "$(cat "$tmp/out")" = "[]" ] || fail "ps --json: the warning went to stdout: $(cat "$tmp/out")"
[ "$(grep -c 'warning:' "$tmp/err")" -eq 1 ] || fail "ps --json over plain tcp: not one warning: $(cat "$tmp/err")"
stop_fake
# config and check do not contact the engine: no warning
clean_env DOCKER_HOST=$host "$bin" config >/dev/null 2>"$tmp/err" || fail "config with a tcp DOCKER_HOST failed"
[ -s "$tmp/err" ] && fail "config warned without contacting the engine: $(cat "$tmp/err")"

if command -v openssl >/dev/null 2>&1; then
	mkdir "$tmp/certs"
	(cd "$tmp/certs" && openssl req -x509 -newkey rsa:2048 -nodes -keyout server-key.pem -out server.pem \
		-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1) >/dev/null 2>&1 ||
		fail "making a test certificate failed"
	start_fake "$tmp/port" "$tmp/certs/server.pem" "$tmp/certs/server-key.pem"
	host=tcp://127.0.0.1:$port
	# DOCKER_CERT_PATH alone: TLS without verification, one warning
	clean_env DOCKER_HOST=$host DOCKER_CERT_PATH="$tmp/certs" "$bin" ps >"$tmp/out" 2>"$tmp/err" ||
		fail "ps over unverified TLS failed: $(cat "$tmp/err")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "ps over unverified TLS: expected one line on stderr: $(cat "$tmp/err")"
	grep -qF "ohsandbox: warning: the Docker engine at $host is reached over TLS without verification" "$tmp/err" ||
		fail "ps over unverified TLS: no warning: $(cat "$tmp/err")"
	# DOCKER_TLS_VERIFY (any value) with a CA that did not sign it: refused, no warning
	mkdir "$tmp/other"
	(cd "$tmp/other" && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem \
		-days 2 -subj /CN=other-ca) >/dev/null 2>&1 || fail "making a test CA failed"
	for v in 1 0 false; do
		clean_env DOCKER_HOST=$host DOCKER_TLS_VERIFY=$v DOCKER_CERT_PATH="$tmp/other" "$bin" ps >"$tmp/out" 2>"$tmp/err"
		rc=$?; [ $rc -eq 125 ] || fail "DOCKER_TLS_VERIFY=$v with a foreign CA: status $rc, expected 125: $(cat "$tmp/err")"
		grep -qF "TLS with the Docker engine at $host failed" "$tmp/err" ||
			fail "DOCKER_TLS_VERIFY=$v: not a TLS error: $(cat "$tmp/err")"
		grep -q 'warning:' "$tmp/err" && fail "DOCKER_TLS_VERIFY=$v: warned: $(cat "$tmp/err")"
	done
	# verified against its own certificate as ca.pem: no warning
	cp "$tmp/certs/server.pem" "$tmp/certs/ca.pem"
	clean_env DOCKER_HOST=$host DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tmp/certs" "$bin" ps >"$tmp/out" 2>"$tmp/err" ||
		fail "ps over verified TLS failed: $(cat "$tmp/err")"
	[ -s "$tmp/err" ] && fail "ps over verified TLS wrote to stderr: $(cat "$tmp/err")"
	stop_fake
else
	echo "SKIP: openssl not found, the TLS warnings are not checked from the CLI"
fi
echo "ok: ohsandbox secrets and connection warnings"
