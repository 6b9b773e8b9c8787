#!/bin/sh
# Install the Debian packages libohsandbox needs to build, test and run its demo.
# Installs only what is missing; runs apt-get update first when it installs.
set -eu
# usage: deps.sh [build|test]
#   build: the toolchain, the libraries, the engine and the test image's busybox
#          (what scripts/demo.sh needs);
#   test:  also Check, the loopback registry, valgrind, abigail-tools, groff,
#          openssl (TLS tests), clang with libFuzzer, the bindings' toolchains,
#          and the -dev packages `pkg-config --static` names through
#          libcurl/libarchive (the downstream static-link test).
PKGS="build-essential autoconf automake libtool pkg-config libcurl4-openssl-dev libjansson-dev
libarchive-dev check docker.io busybox-static curl ca-certificates"
if [ "${1:-test}" = test ]; then
	PKGS="$PKGS abigail-tools docker-registry valgrind groff-base openssl clang libclang-rt-14-dev
golang-go python3 python3-pip python3-setuptools python3-wheel python3-venv python3-pytest
libnghttp2-dev librtmp-dev libssh2-1-dev libpsl-dev libkrb5-dev libldap-dev libzstd-dev
libacl1-dev liblz4-dev iproute2 podman netavark aardvark-dns catatonit"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
