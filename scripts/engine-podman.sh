#!/bin/sh
# Podman's Docker-compatible API on a private unix socket, for the engine
# tests.
#
# usage: engine-podman.sh start|stop STATE_DIR
#
# start: runs `podman system service --time=0 unix://STATE_DIR/podman.sock`
#        in the background, waits for /_ping and loads the test image into it
#        (`docker save ohs-test:latest | podman load`: Podman names it
#        localhost/ohs-test:latest, and its Docker API finds it as
#        ohs-test:latest too).
# stop:  stops the service and every container it ran, unmounts whatever is
#        left under STATE_DIR and removes Podman's state there.
#
# Everything Podman keeps lives under STATE_DIR: the image and container store
# (--root, --runroot), the network definitions, the events log, and the
# configuration.  The configuration is a private file STATE_DIR/containers.conf
# selected with CONTAINERS_CONF, so /etc/containers/containers.conf is neither
# read nor written and nothing needs restoring (likewise STATE_DIR/
# registries.conf through CONTAINERS_REGISTRIES_CONF: the loopback test
# registry, OHS_TEST_REGISTRY or 127.0.0.1:5000, is plain HTTP, and no search
# registry is configured).  containers.conf holds what Podman 4.3 needs on
# these machines:
#   [containers] default_ulimits = []   the packaged default nofile limit is
#                                       above this machine's hard limit;
#   cgroup_manager = "cgroupfs", events_logger = "file"   (no systemd here);
#   network_backend = "netavark"        (a fresh store would choose it anyway;
#                                       CNI is what an old store may remember).
# Needs the Debian packages podman, netavark, aardvark-dns and catatonit (the
# sandbox's Init process); scripts/deps.sh installs them.
#
# The client side:   DOCKER_HOST=unix://STATE_DIR/podman.sock
set -eu
cmd=${1:-}
state=${2:-}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
case "$state" in /*) ;; *) state=$(pwd)/$state ;; esac
IMAGE=${OHS_TEST_IMAGE:-ohs-test:latest}
SOCK=$state/podman.sock
PIDFILE=$state/podman.pid
CONF=$state/containers.conf
REGCONF=$state/registries.conf
ROOT=$state/storage
RUNROOT=$state/run
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

podman_() {
	$SUDO env CONTAINERS_CONF="$CONF" CONTAINERS_REGISTRIES_CONF="$REGCONF" podman --root "$ROOT" --runroot "$RUNROOT" \
		--tmpdir "$state/tmp" "$@"
}
. "$(dirname "$0")/engine-lib.sh"

do_stop() {
	pid=""
	[ -f "$PIDFILE" ] && pid=$(cat "$PIDFILE" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		$SUDO kill -TERM "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
		kill -0 "$pid" 2>/dev/null && $SUDO kill -KILL "$pid" 2>/dev/null || true
	fi
	# Containers outlive the service (conmon keeps them): remove them all,
	# then the networks the tests may have left.
	if [ -f "$CONF" ] && [ -d "$ROOT" ]; then
		podman_ rm -af -t 0 >/dev/null 2>&1 || true
		podman_ pod rm -af >/dev/null 2>&1 || true
		podman_ network prune -f >/dev/null 2>&1 || true
		podman_ system prune -af >/dev/null 2>&1 || true
		podman_ volume prune -f >/dev/null 2>&1 || true
	fi
	# aardvark-dns, started by netavark for named networks, exits once no
	# network needs it; anything still running from this state dir goes.
	stop_matching "$state/" || true
	for m in $(mounts_under "$state"); do
		$SUDO umount "$m" 2>/dev/null || $SUDO umount -l "$m" 2>/dev/null || true
	done
	$SUDO rm -rf "$ROOT" "$RUNROOT" "$state/tmp" "$state/networks" "$state/events" \
		"$SOCK" "$PIDFILE" "$CONF" "$REGCONF"
	left=$(mounts_under "$state")
	[ -z "$left" ] || { echo "engine-podman: mounts left under $state: $left" >&2; return 1; }
	return 0
}

do_start() {
	command -v podman >/dev/null || { echo "engine-podman: podman is not installed" >&2; return 1; }
	mkdir -p "$state"
	if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
		ping_unix && { echo "engine-podman: already running (pid $(cat "$PIDFILE"))" >&2; return 0; }
		do_stop
	fi
	mkdir -p "$ROOT" "$RUNROOT" "$state/tmp" "$state/networks" "$state/events"
	cat >"$CONF" <<EOC
# written by scripts/engine-podman.sh; used through CONTAINERS_CONF only
[containers]
default_ulimits = []
default_sysctls = ["net.ipv4.ping_group_range=0 0"]

[network]
network_backend = "netavark"
network_config_dir = "$state/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$state/events/events.log"
EOC
	# the loopback test registry speaks plain HTTP; no search registries, so
	# a short name never reaches for a public one
	reg=${OHS_TEST_REGISTRY:-127.0.0.1:5000}
	cat >"$REGCONF" <<EOC
# written by scripts/engine-podman.sh; used through CONTAINERS_REGISTRIES_CONF only
unqualified-search-registries = []
short-name-mode = "disabled"

[[registry]]
location = "$reg"
insecure = true
EOC
	rm -f "$SOCK"
	echo "engine-podman: starting podman system service on unix://$SOCK (log: $state/podman.log)" >&2
	$SUDO sh -c "CONTAINERS_CONF='$CONF' CONTAINERS_REGISTRIES_CONF='$REGCONF' exec nohup podman --root '$ROOT' --runroot '$RUNROOT' \
		--tmpdir '$state/tmp' --log-level=info \
		system service --time=0 'unix://$SOCK' >'$state/podman.log' 2>&1 </dev/null &
		echo \$! >'$PIDFILE'"
	i=0
	until ping_unix; do
		i=$((i + 1))
		if [ $i -ge 120 ] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
			echo "engine-podman: podman did not answer on $SOCK" >&2
			tail -n 20 "$state/podman.log" >&2
			do_stop || true
			return 1
		fi
		sleep 0.5
	done
	if ! docker save "$IMAGE" | podman_ load >"$state/load.log" 2>&1; then
		echo "engine-podman: could not load $IMAGE into Podman" >&2
		cat "$state/load.log" >&2
		do_stop || true
		return 1
	fi
	echo "engine-podman: ready: DOCKER_HOST=unix://$SOCK" >&2
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
*) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
