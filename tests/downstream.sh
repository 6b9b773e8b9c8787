#!/bin/sh
# Downstream use of an installed libohsandbox (issue 5).  Usage:
#   tests/downstream.sh PREFIX      (after `make install prefix=PREFIX`)
#
# 1. tests/downstream/demo.c is built with nothing but
#    `pkg-config --cflags --libs libohsandbox`, and again with
#    `pkg-config --static --cflags --libs libohsandbox`, and run.
# 2. Parity: one environment gives the byte-identical create body from the
#    demo (C API), `ohsandbox config --json` (CLI, its create_body member),
#    the Go binding (bindings/go/cmd/ohsandbox-create-body, when `go` is
#    installed) and the Python binding (when bindings/python imports).
#    OHS_REQUIRE_BINDINGS=1 makes a missing Go or Python a failure.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
prefix=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: downstream: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
: "${CC:=cc}"
pkg-config --exists libohsandbox || fail "pkg-config does not find libohsandbox in $PKG_CONFIG_PATH"
pcver=$(pkg-config --modversion libohsandbox)
# The installed libohsandbox.pc must name PREFIX (it is made at make time,
# so "make install prefix=X" gets X's paths).
pcprefix=$(pkg-config --variable=prefix libohsandbox)
[ "$pcprefix" = "$prefix" ] || fail "$prefix/lib/pkgconfig/libohsandbox.pc says prefix=$pcprefix"
defvar=

# ---------------------------------------------------------------- build and run
build_run() { # NAME PKG-CONFIG-FLAGS...
	name=$1; shift
	# shellcheck disable=SC2086
	flags=$(pkg-config $defvar "$@" --cflags --libs libohsandbox) || fail "pkg-config $* failed"
	# shellcheck disable=SC2086  # word splitting of the flags is intended
	$CC -Wall -Wextra -Werror -o "$tmp/$name" "$top/tests/downstream/demo.c" $flags \
		>"$tmp/$name.cc.log" 2>&1 || fail "$name: $CC ... $flags:
$(cat "$tmp/$name.cc.log")"
	LD_LIBRARY_PATH=$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$tmp/$name" >"$tmp/$name.out" ||
		fail "$name: the demo failed"
	head -n 1 "$tmp/$name.out" | grep -q "^libohsandbox $pcver " ||
		fail "$name: first line is not the version $pcver: $(head -n 1 "$tmp/$name.out")"
	sed -n 2p "$tmp/$name.out" | grep -q '^{"Image":"ohs-test:latest",' ||
		fail "$name: no create body: $(cat "$tmp/$name.out")"
	# the binary uses the installed library, not some other one
	LD_LIBRARY_PATH=$prefix/lib ldd "$tmp/$name" | grep -q "$prefix/lib/libohsandbox.so" ||
		fail "$name: not linked against $prefix/lib/libohsandbox.so"
	echo "PASS: downstream $name ($flags)"
}
build_run demo
build_run demo-static --static

# ---------------------------------------------------------------- parity
mkdir -p "$tmp/code" "$tmp/home/proj"
set -- PATH="$PATH" HOME="$tmp/home" \
	SANDBOX_VOLUMES="$tmp/code:/workspace:rw, ~/proj:/data:ro" \
	SANDBOX_USER_ID=1234 SANDBOX_GROUP_ID=99 \
	SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1 \
	SANDBOX_ADDITIONAL_NETWORKS="['net-a', 'net_b']" \
	AGENT_SERVER_IMAGE_REPOSITORY=ohs-test AGENT_SERVER_IMAGE_TAG=latest \
	SANDBOX_ENV_FOO='bar "quoted" \ /slash é'

# (the demo's own exit status counts: no pipe, which would keep only sed's)
LD_LIBRARY_PATH=$prefix/lib "$tmp/demo" "$@" >"$tmp/demo.out" || fail "parity: demo failed (exit $?): $(cat "$tmp/demo.out")"
sed 1d "$tmp/demo.out" >"$tmp/body.c" || fail "parity: cannot cut the demo's output"
# create_body is the last member of `config --json`: cut it out byte for byte
# (--show-secrets: SANDBOX_ENV_FOO is in it, and masked values would differ)
env -i LD_LIBRARY_PATH="$prefix/lib" "$@" "$prefix/bin/ohsandbox" config --json --show-secrets >"$tmp/cli.json" ||
	fail "parity: ohsandbox config --json failed"
sed -n 's/^{.*,"create_body":\({.*}\)}$/\1/p' "$tmp/cli.json" >"$tmp/body.cli"
[ -s "$tmp/body.cli" ] || fail "parity: no create_body at the end of: $(cat "$tmp/cli.json")"
cmp -s "$tmp/body.c" "$tmp/body.cli" || fail "parity: C API and CLI differ:
C:   $(cat "$tmp/body.c")
CLI: $(cat "$tmp/body.cli")"
echo "PASS: parity C API == CLI"

missing() {
	if [ "${OHS_REQUIRE_BINDINGS:-}" = 1 ]; then fail "parity: $*"; fi
	echo "SKIP: parity: $*"
}

if command -v go >/dev/null 2>&1 && [ -f "$top/bindings/go/go.mod" ]; then
	gotmp=$tmp/go
	mkdir -p "$gotmp"
	export GOCACHE="${GOCACHE:-$gotmp/cache}" GOPATH="${GOPATH:-$gotmp/path}"
	printf '#!/bin/sh\nexec pkg-config %s "$@"\n' "$defvar" >"$gotmp/pkg-config"
	chmod +x "$gotmp/pkg-config"
	(cd "$top/bindings/go" && PKG_CONFIG="$gotmp/pkg-config" GOPROXY=off GOFLAGS= go build -o "$gotmp/create-body" ./cmd/ohsandbox-create-body) \
		>"$gotmp/build.log" 2>&1 || fail "parity: building the Go command failed: $(cat "$gotmp/build.log")"
	env -i LD_LIBRARY_PATH="$prefix/lib" "$@" "$gotmp/create-body" >"$tmp/body.go" ||
		fail "parity: the Go command failed"
	cmp -s "$tmp/body.c" "$tmp/body.go" || fail "parity: C API and Go differ:
C:  $(cat "$tmp/body.c")
Go: $(cat "$tmp/body.go")"
	echo "PASS: parity C API == Go"
else
	missing "go or bindings/go missing"
fi

if [ -d "$top/bindings/python/ohsandbox" ] && command -v python3 >/dev/null 2>&1; then
	env -i LD_LIBRARY_PATH="$prefix/lib" OHSANDBOX_LIBRARY="$prefix/lib/libohsandbox.so.0" \
		PYTHONPATH="$top/bindings/python" "$@" python3 -c '
import sys, ohsandbox
sys.stdout.write(ohsandbox.Config.from_env().create_body() + "\n")
' >"$tmp/body.py" 2>"$tmp/py.err" || fail "parity: Python failed: $(cat "$tmp/py.err")"
	cmp -s "$tmp/body.c" "$tmp/body.py" || fail "parity: C API and Python differ:
C:      $(cat "$tmp/body.c")
Python: $(cat "$tmp/body.py")"
	echo "PASS: parity C API == Python"
else
	missing "bindings/python missing"
fi
echo "PASS: downstream"
