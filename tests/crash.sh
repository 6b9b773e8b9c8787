#!/bin/sh
# Crash-safe cleanup with the CLI: two `ohsandbox run` owners share a user
# network the library creates (SANDBOX_NETWORK) and use an image with a
# VOLUME; both are killed with SIGKILL while their command runs.  Then
# `ohsandbox reap --dry-run` lists them (and removes nothing), then
# `ohsandbox reap` leaves none of their containers, networks or volumes,
# and the sandbox of a live owner is untouched.  A container run from a
# `docker commit` of a dead owner's sandbox inherits its labels (review W3,
# R-live): ps, the dry run and reap leave it alone.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
image=${OHS_TEST_IMAGE:-ohs-test:latest}
if ! "$bin" ps >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
	if [ -n "${OHS_REQUIRE_ENGINE:-}" ] && [ "${OHS_REQUIRE_ENGINE}" != 0 ]; then
		"$bin" ps; fail "no engine (or no docker CLI) and OHS_REQUIRE_ENGINE is set"
	fi
	echo "SKIP: no Docker engine reachable"; exit 77
fi

run_id="$$-$(date +%s%N)"
tmp=$(mktemp -d)
net="ohs-test-crash-$run_id"
volimg="ohs-test-crash-vol:$$"
commitimg="ohs-test-crash-commit:$$"
p1= p2= p3= cc=
cleanup() {
	[ -n "$cc" ] && docker rm -f -v "$cc" >/dev/null 2>&1
	for p in $p1 $p2 $p3; do kill -KILL "$p" 2>/dev/null; done
	for p in $p1 $p2 $p3; do
		for c in $(docker ps -aq --filter "label=org.ohsandbox.owner.pid=$p"); do
			docker rm -f -v "$c" >/dev/null 2>&1
		done
	done
	docker network rm "$net" >/dev/null 2>&1
	docker rmi -f "$volimg" "$commitimg" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# The test image with an anonymous volume at /data.
src=$(docker create --label "ohs-test-crash=$run_id" "$image" sleep infinity) || fail "docker create"
docker commit --change 'VOLUME ["/data"]' "$src" "$volimg" >/dev/null || fail "docker commit"
docker rm "$src" >/dev/null

run() {
	exec env -i PATH="$PATH" HOME="$tmp" \
		AGENT_SERVER_IMAGE_REPOSITORY="${1%:*}" AGENT_SERVER_IMAGE_TAG="${1##*:}" \
		${2:+SANDBOX_NETWORK="$2"} "$bin" run -- sh -c 'echo up; sleep 300'
}
# Wait until command N prints "up" (bounded).
wait_up() {
	i=0
	while ! grep -qx up "$tmp/o$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 300 ] || fail "sandbox $1 did not start: $(cat "$tmp/e$1")"
		sleep 0.1
	done
}
# One after the other: two owners creating the same network at the same
# moment can make two networks of that name (the engine's duplicate check
# is not atomic); see the report.
run "$volimg" "$net" >"$tmp/o1" 2>"$tmp/e1" & p1=$!
wait_up 1
run "$volimg" "$net" >"$tmp/o2" 2>"$tmp/e2" & p2=$!
run "$image" "" >"$tmp/o3" 2>"$tmp/e3" & p3=$!
wait_up 2
wait_up 3

owned() { docker ps -aq --filter "label=org.ohsandbox.owner.pid=$1"; }
c1=$(owned $p1); c2=$(owned $p2); c3=$(owned $p3)
[ -n "$c1" ] && [ -n "$c2" ] && [ -n "$c3" ] || fail "sandboxes not found: '$c1' '$c2' '$c3'"
vols=$(docker inspect --format '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' $c1 $c2)
[ "$(echo $vols | wc -w)" -eq 2 ] || fail "expected 2 anonymous volumes, got '$vols'"
docker network inspect "$net" >/dev/null 2>&1 || fail "network $net was not created"

kill -KILL $p1 $p2
wait $p1 2>/dev/null; wait $p2 2>/dev/null

# R-live: docker commit of the dead owner's sandbox, docker run of the image.
docker commit "$c1" "$commitimg" >/dev/null || fail "docker commit of sandbox $c1"
cc=$(docker run -d --name "ohs-test-crash-userdb-$run_id" "$commitimg") || fail "docker run $commitimg"
cc=$(echo "$cc" | cut -c1-12)
[ "$(docker inspect --format '{{index .Config.Labels "org.ohsandbox.owner.pid"}}' "$cc")" = "$p1" ] ||
	fail "the committed image's container did not inherit the owner label"
"$bin" ps --json >"$tmp/ps" 2>&1 || fail "ohsandbox ps failed: $(cat "$tmp/ps")"
grep -q "\"$cc" "$tmp/ps" && fail "ps lists the committed image's container: $(cat "$tmp/ps")"
grep -q "\"$c1" "$tmp/ps" || fail "ps does not list sandbox $c1: $(cat "$tmp/ps")"

# The dry run: one line per container and network, with the reason; nothing goes.
"$bin" reap --dry-run >"$tmp/dry" 2>&1 || fail "ohsandbox reap --dry-run failed: $(cat "$tmp/dry")"
for c in $c1 $c2; do
	grep -q "^would remove container ohs-[0-9a-f]* ($c): owner process is gone\$" "$tmp/dry" ||
		fail "the dry run does not list $c: $(cat "$tmp/dry")"
done
grep -q "^would remove network $net ([0-9a-f]*): no container attached; owner process is gone\$" "$tmp/dry" ||
	fail "the dry run does not list network $net: $(cat "$tmp/dry")"
grep -q "$cc\|$c3" "$tmp/dry" && fail "the dry run lists $cc or the live $c3: $(cat "$tmp/dry")"
n=$(sed -n 's/^would remove \([0-9]*\) sandbox.*/\1/p' "$tmp/dry")
[ -n "$n" ] && [ "$n" -ge 2 ] || fail "the dry run's count: $(cat "$tmp/dry")"
for c in $c1 $c2 $cc $c3; do
	docker inspect "$c" >/dev/null 2>&1 || fail "the dry run removed $c"
done
docker network inspect "$net" >/dev/null 2>&1 || fail "the dry run removed network $net"

"$bin" reap >"$tmp/reap" 2>&1 || fail "ohsandbox reap failed: $(cat "$tmp/reap")"
[ "$(docker inspect --format '{{.State.Running}}' "$cc")" = true ] ||
	fail "reap touched the committed image's container $cc"

for p in $p1 $p2; do
	[ -z "$(owned $p | grep -v "^$cc\$")" ] || fail "containers of dead owner $p left: $(owned $p)"
	[ -z "$(docker network ls -q --filter "label=org.ohsandbox.owner.pid=$p")" ] ||
		fail "a network of dead owner $p is left"
	[ -z "$(docker volume ls -q --filter "label=org.ohsandbox.owner.pid=$p")" ] ||
		fail "a volume of dead owner $p is left"
done
for v in $vols; do
	docker volume inspect "$v" >/dev/null 2>&1 && fail "anonymous volume $v is left"
done
docker network inspect "$net" >/dev/null 2>&1 && fail "network $net is left"
docker rm -f -v "$cc" >/dev/null || fail "docker rm $cc"
cc=
docker rmi "$commitimg" >/dev/null || fail "docker rmi $commitimg"

# The live owner's sandbox is untouched and its command still runs.
[ "$(docker inspect --format '{{.State.Running}}' "$c3")" = true ] || fail "the live owner's sandbox was touched"
kill -0 $p3 || fail "the live owner died"

# Now it dies too: reap removes its sandbox as well.
kill -KILL $p3; wait $p3 2>/dev/null
"$bin" reap >"$tmp/reap" 2>&1 || fail "second reap failed: $(cat "$tmp/reap")"
[ -z "$(owned $p3)" ] || fail "containers of dead owner $p3 left"
echo "ok: reap removed the SIGKILLed owners' sandboxes, network and volumes (listed first by --dry-run); the live one and a committed image's container stayed"
