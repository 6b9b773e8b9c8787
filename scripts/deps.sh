#!/bin/sh
# Install the Debian packages libohsandbox needs to build, test and run its demo.
# Installs only what is missing; runs apt-get update first when it installs.
set -eu
PKGS="build-essential autoconf automake libtool pkg-config libcurl4-openssl-dev libjansson-dev
libarchive-dev check abigail-tools docker.io busybox-static docker-registry valgrind groff-base
curl ca-certificates"
[ $# -gt 0 ] && PKGS="$PKGS $*"
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
