#!/bin/sh
# ohsandbox run / ps / reap against the real engine.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
image=${OHS_TEST_IMAGE:-ohs-test:latest}
if ! "$bin" ps >/dev/null 2>&1; then
	if [ -n "${OHS_REQUIRE_ENGINE:-}" ] && [ "${OHS_REQUIRE_ENGINE}" != 0 ]; then
		"$bin" ps; fail "no engine and OHS_REQUIRE_ENGINE is set"
	fi
	echo "SKIP: no Docker engine reachable"; exit 77
fi
tmp=$(mktemp -d)
chmod 0777 "$tmp"
marker="ohs-cli-test-$$-$(date +%s%N)"
cleanup() {
	for c in $(docker ps -aq --filter label=org.ohsandbox.managed); do
		docker inspect --format '{{.Config.Env}}' "$c" 2>/dev/null | grep -q "$marker" && docker rm -f "$c" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
leftovers() {
	n=0
	for c in $(docker ps -aq --filter label=org.ohsandbox.managed); do
		docker inspect --format '{{.Config.Env}}' "$c" 2>/dev/null | grep -q "$marker" && n=$((n + 1))
	done
	echo $n
}
run() {
	env -i PATH="$PATH" HOME="$tmp" SANDBOX_ENV_OHS_MARKER="$marker" \
		AGENT_SERVER_IMAGE_REPOSITORY="${image%:*}" AGENT_SERVER_IMAGE_TAG="${image##*:}" "$@"
}

# Output streams kept apart, the command's exit status returned.
run "$bin" run -- sh -c 'echo out; echo err >&2; exit 3' >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 3 ] || fail "exit status $rc, expected 3 (stderr: $(cat "$tmp/e"))"
[ "$(cat "$tmp/o")" = out ] || fail "stdout: $(cat "$tmp/o")"
grep -qx err "$tmp/e" || fail "stderr: $(cat "$tmp/e")"

# A rw workspace as the host user: the file appears, owned by SANDBOX_USER_ID.
mkdir -p "$tmp/ws"; chmod 0777 "$tmp/ws"
run SANDBOX_VOLUMES="$tmp/ws:/workspace:rw" SANDBOX_USER_ID=4321 \
	"$bin" run -- sh -c 'pwd; id -u; echo hello > /workspace/made.txt' >"$tmp/o" 2>"$tmp/e" ||
	fail "rw run failed: $(cat "$tmp/e")"
[ "$(head -n 1 "$tmp/o")" = /workspace ] || fail "working directory: $(cat "$tmp/o")"
[ "$(sed -n 2p "$tmp/o")" = 4321 ] || fail "uid in sandbox: $(cat "$tmp/o")"
[ "$(cat "$tmp/ws/made.txt")" = hello ] || fail "file not written to the host"
[ "$(stat -c %u "$tmp/ws/made.txt")" = 4321 ] || fail "file owned by $(stat -c %u "$tmp/ws/made.txt"), expected 4321"

# A ro mount refuses writes.
run SANDBOX_VOLUMES="$tmp/ws:/data:ro" "$bin" run -- sh -c 'echo x > /data/no.txt' >/dev/null 2>&1
[ $? -ne 0 ] || fail "write to a ro mount succeeded"
[ -e "$tmp/ws/no.txt" ] && fail "ro mount was written"

# 127 for a missing command, 126 for one that cannot run.
run "$bin" run -- /no/such/command >/dev/null 2>"$tmp/e"
rc=$?; [ $rc -eq 127 ] || fail "missing command: status $rc, expected 127 ($(cat "$tmp/e"))"
run "$bin" run -- /etc/passwd >/dev/null 2>"$tmp/e"
rc=$?; [ $rc -eq 126 ] || fail "non-executable: status $rc, expected 126 ($(cat "$tmp/e"))"

# --timeout ends the command.  The time bound derives from the timeout under
# test (1 s: 4 x 1 s + 25 s for creating and removing the sandbox on a loaded
# machine, times CK_TIMEOUT_MULTIPLIER as in tests/testutil.h); the measured
# time is printed.
start=$(date +%s)
run "$bin" run --timeout 1 -- sleep 1000 >/dev/null 2>"$tmp/e"
rc=$?; end=$(date +%s)
[ $rc -eq 124 ] || fail "timeout: status $rc, expected 124 ($(cat "$tmp/e"))"
bound=$(((4 * 1 + 25) * ${CK_TIMEOUT_MULTIPLIER:-1}))
echo "cli_run: --timeout 1 took $((end - start)) s (bound $bound s)"
[ $((end - start)) -lt "$bound" ] || fail "--timeout 1 took $((end - start)) s, more than the bound $bound s"

# Invalid configuration: status 2 before the engine is contacted; usage errors 2.
run SANDBOX_VOLUMES=/a:rel "$bin" run -- true >/dev/null 2>"$tmp/e"
rc=$?; [ $rc -eq 2 ] || fail "bad SANDBOX_VOLUMES: status $rc"
grep -q SANDBOX_VOLUMES "$tmp/e" || fail "bad SANDBOX_VOLUMES: message $(cat "$tmp/e")"
run "$bin" run -p 'x:y:z:w' -- true >/dev/null 2>"$tmp/e"
rc=$?; [ $rc -eq 2 ] || fail "bad -p: status $rc"
grep -q -- '-p' "$tmp/e" || fail "bad -p: message $(cat "$tmp/e")"
run "$bin" run >/dev/null 2>&1; [ $? -eq 2 ] || fail "run without a command: expected 2"

# An engine error is 125.
run DOCKER_HOST=unix:///nonexistent/ohs.sock "$bin" run -- true >/dev/null 2>"$tmp/e"
rc=$?; [ $rc -eq 125 ] || fail "unreachable engine: status $rc, expected 125"
grep -q /nonexistent/ohs.sock "$tmp/e" || fail "unreachable engine: message $(cat "$tmp/e")"

# --keep leaves the sandbox and ps lists it (removed by name: reap --all would
# also remove the sandboxes of suites running in parallel).
run "$bin" run --keep -- true 2>"$tmp/e" || fail "--keep run failed: $(cat "$tmp/e")"
[ "$(leftovers)" -eq 1 ] || fail "--keep: expected one kept sandbox, found $(leftovers)"
"$bin" ps >"$tmp/ps" || fail "ps failed"
name=$(sed -n 's/.*kept sandbox \([^ ]*\).*/\1/p' "$tmp/e")
grep -q -- "$name" "$tmp/ps" || fail "ps does not list $name: $(cat "$tmp/ps")"
docker rm -f "$name" >/dev/null

[ "$(leftovers)" -eq 0 ] || fail "$(leftovers) sandboxes left behind"
echo "ok: ohsandbox run"
