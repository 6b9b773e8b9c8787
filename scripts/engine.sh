#!/bin/sh
# Make a local Docker engine answer on /var/run/docker.sock (start dockerd when
# nothing answers), build the local test image from busybox-static, and start
# a registry on 127.0.0.1:5000 for the pull tests.  Never contacts a public
# registry.
set -eu
SOCK=/var/run/docker.sock
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
IMAGE=${OHS_TEST_IMAGE:-ohs-test:latest}
STATE=${OHS_STATE_DIR:-/tmp/ohsandbox-engine}
mkdir -p "$STATE"

ping_engine() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

if ! ping_engine; then
	echo "engine: starting dockerd (log: $STATE/dockerd.log)" >&2
	$SUDO sh -c "nohup dockerd >'$STATE/dockerd.log' 2>&1 &"
	i=0
	until ping_engine; do
		i=$((i + 1))
		[ $i -lt 60 ] || { echo "engine: dockerd did not answer in 60 s" >&2; tail -n 20 "$STATE/dockerd.log" >&2; exit 1; }
		sleep 1
	done
fi

# The test image: /bin/busybox from Debian's busybox-static and its applet links.
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
	echo "engine: building $IMAGE from busybox-static" >&2
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/tmp" "$root/workspace" "$root/etc" "$root/root"
	chmod 1777 "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for a in $("$root/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	tar -C "$root" -c . | docker import \
		-c 'ENV PATH=/bin' -c 'WORKDIR /workspace' -c 'CMD ["sleep","2147483647"]' \
		- "$IMAGE" >/dev/null
	rm -rf "$root"
fi

# Images shaped like the ones people use (issue "any image works"), from the
# same busybox: their default command exits at once without a terminal
# (ubuntu-, python-, node-like), is a server, exits 3, or there is no shell.
shaped_image() { # name, extra files builder, docker import -c options...
	name=$1; shift
	docker image inspect "$name" >/dev/null 2>&1 && return 0
	echo "engine: building $name" >&2
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/tmp" "$root/workspace" "$root/etc" "$root/root" "$root/usr/local/bin"
	chmod 1777 "$root/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	if [ "$1" = noshell ]; then
		cp /bin/busybox "$root/busybox"
		rm -rf "$root/bin"
	else
		cp /bin/busybox "$root/bin/busybox"
		for a in $("$root/bin/busybox" --list); do
			[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
		done
		# an interpreter that reads its input until EOF and exits
		printf '#!/bin/sh\nwhile read -r line; do :; done\n' >"$root/usr/local/bin/python3"
		# a set-up script that hands over to its arguments
		printf '#!/bin/sh\nset -e\necho entrypoint-ran >/tmp/entrypoint-ran\nexec "$@"\n' \
			>"$root/usr/local/bin/docker-entrypoint.sh"
		chmod 755 "$root/usr/local/bin/python3" "$root/usr/local/bin/docker-entrypoint.sh"
	fi
	shift
	tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/bin' -c 'WORKDIR /workspace' \
		"$@" - "$name" >/dev/null
	rm -rf "$root"
}
shaped_image ohs-img-sh:latest busybox -c 'CMD ["/bin/sh"]'
shaped_image ohs-img-python:latest busybox -c 'CMD ["python3"]'
shaped_image ohs-img-entry:latest busybox -c 'ENTRYPOINT ["docker-entrypoint.sh"]' -c 'CMD ["sh"]'
shaped_image ohs-img-httpd:latest busybox -c 'CMD ["httpd","-f","-p","8080","-h","/tmp"]'
shaped_image ohs-img-exit3:latest busybox -c 'CMD ["sh","-c","echo about to fail; exit 3"]'
shaped_image ohs-img-noshell:latest noshell -c 'CMD ["/busybox","sleep","2147483647"]'

# A registry on loopback for the pull tests (Debian's docker-registry).
if command -v docker-registry >/dev/null 2>&1 &&
	! curl -fsS --max-time 2 http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
	mkdir -p "$STATE/registry"
	cat >"$STATE/registry.yml" <<EOC
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $STATE/registry
http:
  addr: 127.0.0.1:5000
EOC
	nohup docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 &
	i=0
	until curl -fsS --max-time 2 http://127.0.0.1:5000/v2/ >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 30 ] || { echo "engine: registry did not answer" >&2; tail "$STATE/registry.log" >&2; exit 1; }
		sleep 1
	done
fi
exit 0
