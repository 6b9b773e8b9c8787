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
if [ ! -f Makefile ]; then
	"$top/configure" -q ${OHS_CONFIGURE_FLAGS:-}
fi
make -j"$(nproc)" >/dev/null || make
