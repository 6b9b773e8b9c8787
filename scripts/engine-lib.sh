# Helpers shared by scripts/engine-tls.sh and scripts/engine-podman.sh
# (sourced; they expect SOCK and SUDO to be set by the caller).

ping_unix() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

# Stop the processes whose command line names $1 (paths only this engine
# uses): TERM, up to 10 s, then KILL.  Fails when one is still there.
stop_matching() {
	pids=$(pgrep -f -- "$1" 2>/dev/null | grep -vx "$$" || true)
	[ -n "$pids" ] || return 0
	$SUDO kill -TERM $pids 2>/dev/null || true
	i=0
	while [ $i -lt 50 ]; do
		pids=$(pgrep -f -- "$1" 2>/dev/null | grep -vx "$$" || true)
		[ -n "$pids" ] || return 0
		sleep 0.2
		i=$((i + 1))
	done
	$SUDO kill -KILL $pids 2>/dev/null || true
	sleep 0.5
	pids=$(pgrep -f -- "$1" 2>/dev/null | grep -vx "$$" || true)
	[ -z "$pids" ] || { echo "engine: processes left: $pids" >&2; return 1; }
}

# Every mount point at or below $1, deepest first.
mounts_under() {
	awk -v p="$1" '{ gsub(/\\040/, " ", $2); if ($2 == p || index($2, p "/") == 1) print $2 }' /proc/mounts | sort -r
}
