#!/bin/sh
# A second dockerd that serves the Docker API over TLS on tcp://127.0.0.1:2376
# (and over a private unix socket), for the remote-engine tests.
#
# usage: engine-tls.sh start|stop STATE_DIR
#
# start: makes a CA, a server certificate (subjectAltName=IP:127.0.0.1) and a
#        client certificate (extendedKeyUsage=clientAuth) with openssl in
#        STATE_DIR/certs (ca.pem, cert.pem, key.pem for the client, the way
#        DOCKER_CERT_PATH expects them; server-*.pem for the daemon), starts a
#        dockerd with its own --data-root, --exec-root (its managed containerd
#        lives there too: own socket, own state, no clash with the main
#        engine's), --pidfile and config file, a bridge of its own (ohs-tls0:
#        with --bridge=none dockerd deletes the host's docker0, the main
#        engine's bridge), no iptables,
#        waits for /_ping and copies the test image into it from the main
#        engine.  Also makes STATE_DIR/certs-wrongca (another CA) and
#        STATE_DIR/certs-nocert (no client certificate) for the error tests.
# stop:  stops that dockerd (and its containerd), unmounts whatever is left
#        under its roots and removes them; STATE_DIR/dockerd.log is kept.
#
# The client side:
#   DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=STATE_DIR/certs
set -eu
cmd=${1:-}
state=${2:-}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
case "$state" in /*) ;; *) state=$(pwd)/$state ;; esac
IMAGE=${OHS_TEST_IMAGE:-ohs-test:latest}
PORT=${OHS_TLS_PORT:-2376}
SOCK=$state/docker.sock
PIDFILE=$state/docker.pid
BRIDGE=${OHS_TLS_BRIDGE:-ohs-tls0}
BRIDGE_ADDR=${OHS_TLS_BRIDGE_ADDR:-172.31.77.1/24}
DATA=$state/data
EXEC=$state/exec       # keep it short: containerd's sockets live below it
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

. "$(dirname "$0")/engine-lib.sh"

make_ca() { # DIR NAME
	openssl ecparam -name prime256v1 -genkey -noout -out "$1/ca-key.pem" 2>/dev/null
	openssl req -x509 -new -key "$1/ca-key.pem" -sha256 -days 2 -subj "/CN=$2" -out "$1/ca.pem" 2>/dev/null
}
make_cert() { # DIR CA_DIR PREFIX CN EXTENSIONS
	openssl ecparam -name prime256v1 -genkey -noout -out "$1/$3key.pem" 2>/dev/null
	openssl req -new -key "$1/$3key.pem" -subj "/CN=$4" -out "$1/$3csr.pem" 2>/dev/null
	printf '%s\n' "$5" >"$1/$3ext.cnf"
	openssl x509 -req -in "$1/$3csr.pem" -CA "$2/ca.pem" -CAkey "$2/ca-key.pem" -CAcreateserial \
		-days 2 -sha256 -extfile "$1/$3ext.cnf" -out "$1/$3cert.pem" 2>/dev/null
	rm -f "$1/$3csr.pem" "$1/$3ext.cnf"
	chmod 0600 "$1/$3key.pem"
}

do_stop() {
	pid=""
	[ -f "$PIDFILE" ] && pid=$(cat "$PIDFILE" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		$SUDO kill -TERM "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
		kill -0 "$pid" 2>/dev/null && $SUDO kill -KILL "$pid" 2>/dev/null || true
	fi
	# its managed containerd (and shims) if dockerd died without stopping them
	stop_matching "$EXEC/" || true
	for root in "$EXEC" "$DATA"; do
		for m in $(mounts_under "$root"); do
			$SUDO umount "$m" 2>/dev/null || $SUDO umount -l "$m" 2>/dev/null || true
		done
	done
	$SUDO ip link del "$BRIDGE" 2>/dev/null || true
	$SUDO rm -rf "$DATA" "$EXEC" "$state/certs" "$state/certs-wrongca" "$state/certs-nocert" \
		"$state/ca" "$state/wrongca" "$SOCK" "$PIDFILE" "$state/daemon.json"
	left=$(mounts_under "$state")
	[ -z "$left" ] || { echo "engine-tls: mounts left under $state: $left" >&2; return 1; }
	return 0
}

do_start() {
	mkdir -p "$state"
	if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
		echo "engine-tls: already running (pid $(cat "$PIDFILE"))" >&2
		ping_unix && return 0
		do_stop
	fi
	if curl -s --max-time 2 "http://127.0.0.1:$PORT/" >/dev/null 2>&1 ||
		curl -sk --max-time 2 "https://127.0.0.1:$PORT/" >/dev/null 2>&1; then
		echo "engine-tls: something already listens on 127.0.0.1:$PORT" >&2
		return 1
	fi
	command -v openssl >/dev/null || { echo "engine-tls: openssl is not installed" >&2; return 1; }

	# certificates
	rm -rf "$state/ca" "$state/wrongca" "$state/certs" "$state/certs-wrongca" "$state/certs-nocert"
	mkdir -p "$state/ca" "$state/wrongca" "$state/certs" "$state/certs-wrongca" "$state/certs-nocert"
	chmod 0700 "$state/ca" "$state/wrongca"
	make_ca "$state/ca" "ohs-test-ca"
	make_ca "$state/wrongca" "ohs-test-other-ca"
	make_cert "$state/certs" "$state/ca" server- "127.0.0.1" \
		"subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment"
	make_cert "$state/certs" "$state/ca" "" "ohs-test-client" \
		"extendedKeyUsage=clientAuth
keyUsage=digitalSignature"
	cp "$state/ca/ca.pem" "$state/certs/ca.pem"
	# another CA: the client does not trust the server
	cp "$state/wrongca/ca.pem" "$state/certs-wrongca/ca.pem"
	cp "$state/certs/cert.pem" "$state/certs/key.pem" "$state/certs-wrongca/"
	# the right CA but no client certificate: the server refuses the client
	cp "$state/ca/ca.pem" "$state/certs-nocert/ca.pem"

	# its own config file: /etc/docker/daemon.json (hosts, ...) is the main engine's
	echo '{}' >"$state/daemon.json"
	mkdir -p "$DATA" "$EXEC"
	# A bridge of its own: never --bridge=none, which makes dockerd delete
	# the host's docker0 (the main engine's bridge).
	if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
		$SUDO ip link add "$BRIDGE" type bridge
		$SUDO ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
	fi
	$SUDO ip link set "$BRIDGE" up
	echo "engine-tls: starting dockerd on tcp://127.0.0.1:$PORT (log: $state/dockerd.log)" >&2
	$SUDO sh -c "exec nohup dockerd --config-file '$state/daemon.json' \
		--data-root '$DATA' --exec-root '$EXEC' --pidfile '$PIDFILE' \
		-H 'unix://$SOCK' -H 'tcp://127.0.0.1:$PORT' \
		--tlsverify --tlscacert '$state/certs/ca.pem' \
		--tlscert '$state/certs/server-cert.pem' --tlskey '$state/certs/server-key.pem' \
		--bridge='$BRIDGE' --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		--cgroup-parent=ohs-tls-engine \
		>'$state/dockerd.log' 2>&1 </dev/null &"
	i=0
	until ping_unix; do
		i=$((i + 1))
		if [ $i -ge 120 ]; then
			echo "engine-tls: dockerd did not answer on $SOCK in 60 s" >&2
			tail -n 20 "$state/dockerd.log" >&2
			do_stop || true
			return 1
		fi
		sleep 0.5
	done
	# copy the test image from the main engine
	if ! docker -H "unix://$SOCK" image inspect "$IMAGE" >/dev/null 2>&1; then
		if ! docker save "$IMAGE" | docker -H "unix://$SOCK" load >/dev/null; then
			echo "engine-tls: could not copy $IMAGE into the TLS engine" >&2
			do_stop || true
			return 1
		fi
	fi
	echo "engine-tls: ready: DOCKER_HOST=tcp://127.0.0.1:$PORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$state/certs" >&2
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
*) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
