#!/bin/sh
# Vet and test the Go binding against an installed libohsandbox.  Usage:
#   bindings/go/run-tests.sh PREFIX      (after `make install prefix=PREFIX`)
#
# No network: GOPROXY=off, and the module has no dependencies.  The engine
# tests skip without an engine unless OHS_REQUIRE_ENGINE is set; the parity
# test compares with PREFIX/bin/ohsandbox.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
prefix=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null 2>&1 || { echo "FAIL: go: command not found (install golang-go)" >&2; exit 1; }

PKG_CONFIG_PATH=$prefix/lib/pkgconfig
LD_LIBRARY_PATH=$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
OHSANDBOX_CLI=$prefix/bin/ohsandbox
GOPROXY=off
GOFLAGS=
GO111MODULE=on
export PKG_CONFIG_PATH LD_LIBRARY_PATH OHSANDBOX_CLI GOPROXY GOFLAGS GO111MODULE
# Build cache and module path in a temporary directory unless given (HOME
# may be read-only or absent in CI).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: "${GOCACHE:=$tmp/cache}" "${GOPATH:=$tmp/gopath}"
export GOCACHE GOPATH

# The installed libohsandbox.pc must name PREFIX (it is made at make time).
pcprefix=$(pkg-config --variable=prefix libohsandbox) ||
	{ echo "FAIL: pkg-config does not find libohsandbox in $PKG_CONFIG_PATH" >&2; exit 1; }
[ "$pcprefix" = "$prefix" ] ||
	{ echo "FAIL: $prefix/lib/pkgconfig/libohsandbox.pc says prefix=$pcprefix" >&2; exit 1; }

cd "$here"
echo "go: $(go version); libohsandbox $(pkg-config --modversion libohsandbox) from $prefix"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "FAIL: gofmt: $unformatted" >&2; exit 1; }
go vet ./...
go test -count=1 -v ./... >"$tmp/test.log" 2>&1 && rc=0 || rc=$?
grep -E '^(--- |ok|FAIL|PASS|panic)|^\s+\S+_test\.go:' "$tmp/test.log" || true
if [ $rc -ne 0 ]; then
	echo "--- full log"; tail -n 100 "$tmp/test.log"
	echo "FAIL: go test"; exit 1
fi
echo "PASS: go vet + go test"
