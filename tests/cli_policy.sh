#!/bin/sh
# ohsandbox check against the attacks of the policy review (B1-B4, B7 and
# the hardened group check), with nothing but environment variables: each is
# refused (exit 3, the finding's id in the output) under default and
# hardened, or reported where refusing is wrong.  No engine needed except
# for the one "run -p" case, which is skipped without one.
. "${top_srcdir:-.}/tests/lib.sh"
bin="$top_builddir/tools/ohsandbox"
[ -x "$bin" ] || fail "ohsandbox not built"
tmp=$(mktemp -d /tmp/ohs-cli-policy-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
clean_env() { env -i PATH="$PATH" HOME=/nonexistent "$@"; }

# refused PROFILE ID VAR=value...: check exits 3 and names ID.
refused() {
	prof=$1 id=$2
	shift 2
	clean_env SANDBOX_SECURITY_PROFILE="$prof" "$@" "$bin" check >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 3 ] || fail "$prof $*: exit status $rc, expected 3 (refused): $(cat "$tmp/out")"
	grep -q "REFUSED $id " "$tmp/out" || fail "$prof $*: $id not refused: $(cat "$tmp/out")"
}
# reported PROFILE ID VAR=value...: check exits 0 and reports ID (not refused).
reported() {
	prof=$1 id=$2
	shift 2
	clean_env SANDBOX_SECURITY_PROFILE="$prof" "$@" "$bin" check >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || fail "$prof $*: exit status $rc, expected 0: $(cat "$tmp/out")"
	grep -q "warning $id " "$tmp/out" || fail "$prof $*: $id not reported: $(cat "$tmp/out")"
}
both() { refused default "$@"; refused hardened "$@"; }

mksock() { python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"; }

# B1: symlink and hard link to an engine socket (ours, named by DOCKER_HOST) ...
mksock "$tmp/engine.sock" || fail "cannot create a unix socket"
ln -s "$tmp/engine.sock" "$tmp/dsock"
ln "$tmp/engine.sock" "$tmp/engine-hl"
both 5.31 DOCKER_HOST="unix://$tmp/engine.sock" SANDBOX_VOLUMES="$tmp/dsock:/var/run/docker.sock"
both 5.31 DOCKER_HOST="unix://$tmp/engine.sock" SANDBOX_VOLUMES="$tmp/engine-hl:/s:ro"
both 5.31 DOCKER_HOST="unix://$tmp/engine.sock" SANDBOX_VOLUMES="$tmp:/d:ro"
# ... and to the real one when there is one (L1, L10)
if [ -S /var/run/docker.sock ]; then
	ln -s /var/run/docker.sock "$tmp/real-dsock"
	both 5.31 SANDBOX_VOLUMES="$tmp/real-dsock:/var/run/docker.sock"
	if ln /var/run/docker.sock "$tmp/real-hl" 2>/dev/null; then
		both 5.31 SANDBOX_VOLUMES="$tmp/real-hl:/s"
		both 5.31 SANDBOX_USER_ID=1000 SANDBOX_GROUP_ID="$(stat -c %g /var/run/docker.sock)" SANDBOX_VOLUMES="$tmp/real-hl:/s:ro"
	fi
fi
# any other socket, by type
mksock "$tmp/agent.sock"
both ohs-host-socket SANDBOX_VOLUMES="$tmp/agent.sock:/a"

# B1/L2: a symlink to /; L12: a link planted inside a workspace
ln -s / "$tmp/rootlink"
both 5.5 SANDBOX_VOLUMES="$tmp/rootlink:/host:rw"
both ohs-home-writable SANDBOX_VOLUMES="$tmp/rootlink:/host:rw"
mkdir "$tmp/ws"
ln -s / "$tmp/ws/r"
both 5.5 SANDBOX_VOLUMES="$tmp/ws/r:/h:ro"
# the workspace itself is fine
clean_env SANDBOX_SECURITY_PROFILE=hardened SANDBOX_USER_ID=1000 SANDBOX_VOLUMES="$tmp/ws:/workspace:rw" \
	"$bin" check >"$tmp/out" 2>&1 || fail "a plain workspace is refused: $(cat "$tmp/out")"

# B2: parents and siblings of engine state and sockets
both 5.5 SANDBOX_VOLUMES="/var/lib:/h:rw"
both 5.5 SANDBOX_VOLUMES="/run/docker:/h"
both 5.5 SANDBOX_VOLUMES="/var/run/docker/containerd:/h:ro"
both 5.5 SANDBOX_VOLUMES="/var/spool/cron:/c:ro"
ln -s /var/lib "$tmp/vl"
both 5.5 SANDBOX_VOLUMES="$tmp/vl:/h:ro"

# B3: HOME from the environment does not switch the home checks off (L5)
both ohs-home-writable HOME=/nonexistent SANDBOX_VOLUMES="/root:/h:rw"
both ohs-home-writable HOME=/ SANDBOX_VOLUMES="/root:/h:rw"
myhome=$(getent passwd "$(id -u)" | cut -d: -f6)
if [ -n "$myhome" ] && [ "$myhome" != / ]; then
	both ohs-home-writable SANDBOX_VOLUMES="$myhome:/h:rw"
	reported default ohs-home-dotfile SANDBOX_VOLUMES="$myhome/.bashrc:/b:rw"
	refused hardened ohs-home-dotfile SANDBOX_VOLUMES="$myhome/.bashrc:/b:rw"
	reported default ohs-home-dotfile SANDBOX_VOLUMES="$myhome/.config/systemd:/s:rw"
	refused hardened ohs-home-dotfile SANDBOX_VOLUMES="$myhome/.local/bin:/l:rw"
fi

# unresolvable on a local engine: hardened refuses, default reports
ln -s "$tmp/nowhere" "$tmp/dangling"
reported default ohs-path-unresolved SANDBOX_VOLUMES="$tmp/dangling:/d:ro"
refused hardened ohs-path-unresolved SANDBOX_VOLUMES="$tmp/dangling:/d:ro"

# a remote engine: judged lexically, and said so
reported default ohs-path-lexical DOCKER_HOST=tcp://192.0.2.1:2375 SANDBOX_VOLUMES="$tmp/ws:/w:ro"
grep -q "judged lexically only" "$tmp/out" || fail "the lexical finding does not say so: $(cat "$tmp/out")"

# B7: Windows drive sources
both 5.5 SANDBOX_VOLUMES="C:/:/h"
both 5.5 'SANDBOX_VOLUMES=C:\Windows:/w:ro'
both ohs-home-writable SANDBOX_VOLUMES="c:/Users/alice:/u:rw"

# Also: privileged groups (L1b, L2b): hardened refuses, default reports
dgid=$(stat -c %g /var/run/docker.sock 2>/dev/null || echo)
for g in 0 42 $dgid; do
	[ "$g" = 0 ] && [ "$dgid" = 0 ] && continue
	refused hardened ohs-privileged-group SANDBOX_USER_ID=1000 SANDBOX_GROUP_ID="$g"
done
reported default ohs-privileged-group SANDBOX_USER_ID=1000 SANDBOX_GROUP_ID=0

# B4/L8d: a LAN address under hardened (refused before anything is created)
if clean_env "$bin" ps >/dev/null 2>&1; then
	clean_env SANDBOX_SECURITY_PROFILE=hardened SANDBOX_USER_ID=1000 AGENT_SERVER_IMAGE_REPOSITORY=ohs-test \
		AGENT_SERVER_IMAGE_TAG=latest "$bin" run -p 192.0.2.2:18081:80 -- true >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 3 ] || fail "run -p 192.0.2.2:18081:80 (hardened): exit $rc, expected 3: $(cat "$tmp/out")"
	grep -q "REFUSED ohs-port-address " "$tmp/out" || fail "no ohs-port-address refusal: $(cat "$tmp/out")"
fi
exit 0
