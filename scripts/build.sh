#!/bin/sh
# Configure and build libohsandbox out of tree in ./build (or $OHS_BUILD_DIR).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OHS_BUILD_DIR:-$top/build}
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
mkdir -p "$build"
cd "$build"
# (Re)configure when there is no Makefile yet, or when the existing one was
# configured without one of OHS_CONFIGURE_FLAGS (scripts/test.sh passes
# --enable-werror).
reconf=0
[ -f Makefile ] || reconf=1
for f in ${OHS_CONFIGURE_FLAGS:-}; do
	[ $reconf = 1 ] && break
	./config.status --config 2>/dev/null | grep -qF -- "'$f'" || reconf=1
done
if [ $reconf = 1 ]; then
	had=0
	[ -f Makefile ] && had=1
	"$top/configure" -q ${OHS_CONFIGURE_FLAGS:-}
	# objects built with other flags are not remade by make on their own
	[ $had = 0 ] || make clean >/dev/null
fi
make -j"$(nproc)" >/dev/null || make
