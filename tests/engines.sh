#!/bin/sh
# The library against two more engines (issue 7, "More engines"):
#   tls:    a second dockerd on tcp://127.0.0.1:2376 with --tlsverify
#           (scripts/engine-tls.sh), selected with DOCKER_HOST,
#           DOCKER_TLS_VERIFY and DOCKER_CERT_PATH;
#   podman: Podman's Docker-compatible API (scripts/engine-podman.sh).
# Each engine is started, tested and stopped (also on failure or interrupt),
# and nothing of it may be left: no process, no mount, no container.
#
# usage: tests/engines.sh BUILD_DIR [tls] [podman]     (default: both)
# Prints a PASS:/FAIL: line per check and a summary; exits 1 on any failure.
# Needs the main engine with the test image (scripts/engine.sh), openssl,
# and podman, netavark, aardvark-dns, catatonit (scripts/deps.sh test).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [tls] [podman]" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
shift
engines=${*:-tls podman}
bin=$build/tools/ohsandbox
image=${OHS_TEST_IMAGE:-ohs-test:latest}
logs=$build/tests/engines
mkdir -p "$logs"
run_id=$$
tls_state=/tmp/ohs-eng-tls.$run_id
pm_state=/tmp/ohs-eng-pm.$run_id
npass=0
nfail=0
t_start=$(date +%s)

pass() { echo "PASS: $*"; npass=$((npass + 1)); }
failed() { echo "FAIL: $*"; nfail=$((nfail + 1)); }

stop_all() {
	[ -d "$tls_state" ] && { "$top/scripts/engine-tls.sh" stop "$tls_state" >/dev/null 2>&1 || true; }
	[ -d "$pm_state" ] && { "$top/scripts/engine-podman.sh" stop "$pm_state" >/dev/null 2>&1 || true; }
}
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

# A Check suite against the selected engine; its log under $logs.
suite() { # ENGINE NAME [ENV=VALUE...]
	eng=$1 name=$2
	shift 2
	log=$logs/$eng-$name.log
	if env OHS_REQUIRE_ENGINE=1 "$@" timeout 300 "$build/tests/$name" >"$log" 2>&1; then
		pass "$eng: $name ($(grep -E '^[0-9]+%' "$log" | tr '\n' ' '))"
	else
		failed "$eng: $name (log: $log)"
		grep -E '^[0-9]+%|:[FE]:' "$log" | head -n 20 | sed 's/^/    /'
	fi
}

# ohsandbox run: output streams kept apart, exit status passed on.
cli_run() { # ENGINE [ENV=VALUE...]
	eng=$1
	shift
	out=$logs/$eng-run.out err=$logs/$eng-run.err
	env "$@" AGENT_SERVER_IMAGE_REPOSITORY="${image%:*}" AGENT_SERVER_IMAGE_TAG="${image##*:}" \
		"$bin" run -- sh -c 'echo ok; echo err-line >&2; exit 3' >"$out" 2>"$err"
	rc=$?
	if [ $rc -eq 3 ] && [ "$(cat "$out")" = ok ] && grep -qx err-line "$err"; then
		pass "$eng: ohsandbox run ($*): exit status 3, stdout and stderr apart"
	else
		failed "$eng: ohsandbox run ($*): status $rc, stdout \"$(cat "$out")\", stderr \"$(cat "$err")\""
	fi
}

cli_ps() { # ENGINE [ENV=VALUE...]
	eng=$1
	shift
	if out=$(env "$@" "$bin" ps 2>&1) && echo "$out" | grep -q '^ID'; then
		pass "$eng: ohsandbox ps"
	else
		failed "$eng: ohsandbox ps: $out"
	fi
}

# ohsandbox ps works and prints exactly the expected stderr: nothing, or one
# warning line matching NEEDLE (W4: TLS without verification, plain tcp).
cli_warn() { # ENGINE LABEL NEEDLE|"" [ENV=VALUE...]
	eng=$1 label=$2 needle=$3
	shift 3
	err=$logs/$eng-warn.err
	out=$(env "$@" "$bin" ps 2>"$err")
	rc=$?
	if [ $rc -ne 0 ] || ! echo "$out" | grep -q '^ID'; then
		failed "$eng: $label: ps status $rc: $(cat "$err")"
	elif [ -z "$needle" ] && [ -s "$err" ]; then
		failed "$eng: $label: unexpected stderr: $(cat "$err")"
	elif [ -n "$needle" ] && { [ "$(wc -l <"$err")" -ne 1 ] || ! grep -qE "$needle" "$err"; }; then
		failed "$eng: $label: expected one warning /$needle/, got: $(cat "$err")"
	else
		pass "$eng: $label${needle:+: one warning}"
	fi
}

# A wrong setting must fail with status 125 and a message naming the cause.
cli_error() { # ENGINE LABEL NEEDLE [ENV=VALUE...]
	eng=$1 label=$2 needle=$3
	shift 3
	out=$(env "$@" "$bin" ps 2>&1)
	rc=$?
	if [ $rc -eq 125 ] && echo "$out" | grep -qiE "$needle"; then
		pass "$eng: $label: status 125, \"$(echo "$out" | head -c 160)...\""
	else
		failed "$eng: $label: status $rc (expected 125), message \"$out\" lacks /$needle/"
	fi
}

# No container or network of the tests is left on the engine at SOCK.
# The engine must answer both lists (a JSON array each): a failed or empty
# answer is a failure, never "nothing left".
none_left() { # ENGINE SOCK
	if ! cl=$(curl -sSf --max-time 30 --unix-socket "$2" 'http://localhost/v1.41/containers/json?all=1' 2>&1) ||
	   [ "$(printf %.1s "$cl")" != "[" ]; then
		failed "$1: cannot list the containers on $2: $cl"
		return
	fi
	if ! nl=$(curl -sSf --max-time 30 --unix-socket "$2" 'http://localhost/v1.41/networks' 2>&1) ||
	   [ "$(printf %.1s "$nl")" != "[" ]; then
		failed "$1: cannot list the networks on $2: $nl"
		return
	fi
	n=$(printf '%s' "$cl" | grep -o '"Names":\["/ohs-[^"]*"' | wc -l)
	m=$(printf '%s' "$nl" | grep -o '"Name":"ohs-[^"]*"' | wc -l)
	if [ "$n" -eq 0 ] && [ "$m" -eq 0 ]; then
		pass "$1: no ohs-* container or network left"
	else
		failed "$1: $n ohs-* containers and $m ohs-* networks left"
	fi
}

# After stop: no process, mount or socket of the engine's state dir left.
stopped_clean() { # ENGINE STATE_DIR PATTERN
	procs=$(pgrep -f -- "$3" 2>/dev/null | tr '\n' ' ')
	mnts=$(awk -v p="$2" 'index($2, p) == 1 { print $2 }' /proc/mounts | tr '\n' ' ')
	if [ -z "$procs" ] && [ -z "$mnts" ]; then
		pass "$1: stopped, no process or mount left"
	else
		failed "$1: left after stop: processes [$procs] mounts [$mnts]"
	fi
}

[ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }
if ! docker image inspect "$image" >/dev/null 2>&1; then
	"$top/scripts/engine.sh" || { echo "FAIL: main engine or test image unavailable"; exit 1; }
fi

for eng in $engines; do
	case $eng in
	tls)
		echo "=== tls: dockerd on tcp://127.0.0.1:2376 with --tlsverify (own bridge, no iptables)"
		if ! "$top/scripts/engine-tls.sh" start "$tls_state" >"$logs/tls-start.log" 2>&1; then
			failed "tls: engine start"; sed 's/^/    /' "$logs/tls-start.log"
			continue
		fi
		pass "tls: engine started"
		set -- DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tls_state/certs"
		cli_ps tls "$@"
		# no iptables (no NAT, no published ports): SANDBOX_NETWORK=none
		cli_run tls "$@" SANDBOX_NETWORK=none
		for s in check_exec check_shell check_pool check_threads; do
			suite tls $s "$@"
		done
		# check_session and the engine part of check_client are not run
		# here: their port publishing and the name resolution between
		# containers need the iptables rules this engine runs without;
		# they run against Podman and the main engine.
		cli_error tls "wrong CA" "TLS.*certificate" \
			DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tls_state/certs-wrongca"
		cli_error tls "no client certificate" "TLS.*(certificate|alert)" \
			DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tls_state/certs-nocert"
		cli_warn tls "verified TLS, no warning" "" "$@"
		cli_warn tls "DOCKER_CERT_PATH alone" "^ohsandbox: warning: .* over TLS without verification" \
			DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_CERT_PATH="$tls_state/certs"
		for v in 0 false; do # any non-empty value verifies, as with the Docker CLI
			cli_error tls "DOCKER_TLS_VERIFY=$v, wrong CA" "TLS.*certificate" \
				DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=$v DOCKER_CERT_PATH="$tls_state/certs-wrongca"
		done
		cli_error tls "missing CA file" "CA certificate .* cannot be read" \
			DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tls_state/no-such-dir"
		cli_error tls "plain HTTP to the TLS port" "HTTP request to an HTTPS server" \
			DOCKER_HOST=tcp://127.0.0.1:2376
		none_left tls "$tls_state/docker.sock"
		"$top/scripts/engine-tls.sh" stop "$tls_state" >"$logs/tls-stop.log" 2>&1 ||
			failed "tls: engine stop: $(cat "$logs/tls-stop.log")"
		stopped_clean tls "$tls_state" "$tls_state/"
		rm -rf "$tls_state"
		;;
	podman)
		echo "=== podman: Podman's Docker-compatible API"
		if ! command -v podman >/dev/null; then
			failed "podman: not installed (scripts/deps.sh test installs it)"
			continue
		fi
		if ! "$top/scripts/engine-podman.sh" start "$pm_state" >"$logs/podman-start.log" 2>&1; then
			failed "podman: engine start"; sed 's/^/    /' "$logs/podman-start.log"
			continue
		fi
		pass "podman: engine started ($(podman --version))"
		set -- DOCKER_HOST="unix://$pm_state/podman.sock"
		cli_ps podman "$@"
		cli_run podman "$@"
		cli_run podman "$@" SANDBOX_NETWORK=none
		for s in check_client check_session check_exec check_shell check_pool check_threads; do
			suite podman $s "$@"
		done
		none_left podman "$pm_state/podman.sock"
		"$top/scripts/engine-podman.sh" stop "$pm_state" >"$logs/podman-stop.log" 2>&1 ||
			failed "podman: engine stop: $(cat "$logs/podman-stop.log")"
		stopped_clean podman "$pm_state" "$pm_state/"
		rm -rf "$pm_state"
		;;
	*)
		failed "unknown engine \"$eng\" (expected tls or podman)"
		;;
	esac
done

echo "engines: $npass passed, $nfail failed ($(($(date +%s) - t_start)) s)"
[ $nfail -eq 0 ]
