#!/bin/sh
# `ohsandbox run` with images shaped like the ones people use (built by
# scripts/engine.sh): one-shot runs, runs that keep a sandbox up (the
# keep-alive), an image whose command exits, an image without a shell;
# under the default and the hardened profile.  Nothing may be left behind.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
if ! "$bin" ps >/dev/null 2>&1; then
	if [ -n "${OHS_REQUIRE_ENGINE:-}" ] && [ "${OHS_REQUIRE_ENGINE}" != 0 ]; then
		"$bin" ps; fail "no engine and OHS_REQUIRE_ENGINE is set"
	fi
	echo "SKIP: no Docker engine reachable"; exit 77
fi
for i in sh python entry httpd exit3 noshell; do
	docker image inspect "ohs-img-$i:latest" >/dev/null 2>&1 ||
		fail "image ohs-img-$i:latest missing (scripts/engine.sh builds it)"
done
tmp=$(mktemp -d)
marker="ohs-img-test-$$-$(date +%s%N)"
mine() {
	for c in $(docker ps -aq --filter label=org.ohsandbox.managed); do
		docker inspect --format '{{.Config.Env}}' "$c" 2>/dev/null | grep -q "$marker" && echo "$c"
	done
}
cleanup() {
	for c in $(mine); do docker rm -f "$c" >/dev/null 2>&1; done
	rm -rf "$tmp"
}
trap cleanup EXIT
run() { # PROFILE ARGS...
	p=$1; shift
	env -i PATH="$PATH" HOME="$tmp" SANDBOX_ENV_OHS_MARKER="$marker" SANDBOX_SECURITY_PROFILE="$p" "$@"
}

for prof in default hardened; do
	for i in sh python entry httpd; do
		img="ohs-img-$i:latest"
		# one-shot: the command is the container's main process
		out=$(run $prof "$bin" run -i "$img" -- sh -c 'echo one-shot; exit 4' 2>"$tmp/e")
		rc=$?
		[ $rc -eq 4 ] || fail "$prof $img one-shot: status $rc, expected 4 ($(cat "$tmp/e"))"
		[ "$out" = one-shot ] || fail "$prof $img one-shot: stdout \"$out\""
		# a sandbox that stays up (exec path): the keep-alive or the server
		out=$(run $prof "$bin" run -i "$img" --keep -- sh -c 'sleep 0.3; echo kept' 2>"$tmp/e") ||
			fail "$prof $img --keep: $(cat "$tmp/e")"
		[ "$out" = kept ] || fail "$prof $img --keep: stdout \"$out\""
		name=$(sed -n 's/.*kept sandbox \([^ ]*\).*/\1/p' "$tmp/e")
		[ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] ||
			fail "$prof $img: kept sandbox $name is not running"
		start=$(date +%s%N)
		docker stop -t 10 "$name" >/dev/null || fail "docker stop $name"
		ms=$((($(date +%s%N) - start) / 1000000))
		echo "$prof $img: stop took $ms ms (kill timeout 10000 ms)"
		[ $ms -lt 9000 ] || fail "$prof $img: stop took $ms ms: the main process ignored SIGTERM"
		docker rm -f "$name" >/dev/null
	done

	# the entrypoint's set-up ran before the one-shot command
	out=$(run $prof "$bin" run -i ohs-img-entry:latest -- cat /tmp/entrypoint-ran 2>"$tmp/e") ||
		fail "$prof entrypoint: $(cat "$tmp/e")"
	[ "$out" = entrypoint-ran ] || fail "$prof entrypoint: \"$out\""

	# an image whose command exits: a kept sandbox says why, exit 125
	run $prof "$bin" run -i ohs-img-exit3:latest --keep -- sh -c 'sleep 1; echo never' >"$tmp/o" 2>"$tmp/e"
	rc=$?
	[ $rc -eq 125 ] || fail "$prof exit3: status $rc, expected 125 ($(cat "$tmp/e"))"
	grep -q 'exit code 3' "$tmp/e" || fail "$prof exit3: message $(cat "$tmp/e")"
	grep -q 'SANDBOX_OVERRIDE_COMMAND=true' "$tmp/e" || fail "$prof exit3: no hint: $(cat "$tmp/e")"
	for c in $(mine); do docker rm -f "$c" >/dev/null; done
	# ... and the setting it names keeps it alive
	out=$(run $prof SANDBOX_OVERRIDE_COMMAND=true "$bin" run -i ohs-img-exit3:latest -p 8080 -- \
		sh -c 'sleep 1; echo alive' 2>"$tmp/e") || fail "$prof exit3 override: $(cat "$tmp/e")"
	[ "$out" = alive ] || fail "$prof exit3 override: \"$out\""

	# no shell: argv works, the keep-alive is refused at create (exit 2)
	out=$(run $prof "$bin" run -i ohs-img-noshell:latest -- /busybox echo static 2>"$tmp/e") ||
		fail "$prof noshell one-shot: $(cat "$tmp/e")"
	[ "$out" = static ] || fail "$prof noshell: \"$out\""
	out=$(run $prof "$bin" run -i ohs-img-noshell:latest -p 8080 -- /busybox echo kept 2>"$tmp/e") ||
		fail "$prof noshell exec: $(cat "$tmp/e")"
	[ "$out" = kept ] || fail "$prof noshell exec: \"$out\""
	run $prof SANDBOX_OVERRIDE_COMMAND=true "$bin" run -i ohs-img-noshell:latest -p 8080 -- /busybox true \
		>/dev/null 2>"$tmp/e"
	rc=$?
	[ $rc -eq 2 ] || fail "$prof noshell override: status $rc, expected 2 ($(cat "$tmp/e"))"
	grep -q 'has no /bin/sh' "$tmp/e" || fail "$prof noshell override: message $(cat "$tmp/e")"
done

n=$(mine | wc -l)
[ "$n" -eq 0 ] || fail "$n sandboxes left behind"
echo "ok: ohsandbox run with images of every shape"
