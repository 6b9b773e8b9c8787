#!/bin/sh
# The test command: installs what it needs, starts a local Docker engine and
# registry, builds, and runs every test (unit, integration against the real
# engine, ABI, symbols, man pages, valgrind, distcheck).  Exits non-zero when
# any test fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OHS_BUILD_DIR:-$top/build}
cd "$top"

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
scripts/deps.sh test
step "build"
scripts/build.sh
step "engine, test image and local registry"
scripts/engine.sh

export OHS_REQUIRE_ENGINE=1
export OHS_TEST_REGISTRY=127.0.0.1:5000
status=0

step "make check (unit + integration against the real engine)"
if ! make -C "$build" -j2 check; then
	status=1
	for f in "$build"/tests/*.log; do
		case "$f" in *test-suite.log) continue ;; esac
		grep -qE '^(FAIL|ERROR)' "${f%.log}.trs" 2>/dev/null && { echo "--- $f"; tail -n 60 "$f"; }
	done
fi

step "sanitizers: ASan+UBSan make check, valgrind memcheck over every suite, TSan over the thread suites"
if OHS_SAN_TSAN=1 OHS_SAN_BUILD="$build-san" OHS_SAN_TSAN_BUILD="$build-tsan" sh scripts/sanitize.sh "$build"; then
	echo "PASS: sanitizers"
else
	echo "FAIL: sanitizers"; status=1
fi

step "more engines: a second dockerd over TLS, Podman"
if sh tests/engines.sh "$build"; then
	echo "PASS: engines"
else
	echo "FAIL: engines"; status=1
fi

step "install into a temporary prefix: downstream pkg-config builds, C/Python/Go parity, bindings"
inst=$(mktemp -d /tmp/ohs-inst.XXXXXX)
rm -f "$build/libohsandbox.pc"   # remade for this prefix
if ! make -C "$build" install prefix="$inst" >"$build/install.log" 2>&1; then
	tail -n 30 "$build/install.log"; echo "FAIL: make install"; status=1
else
	echo "PASS: make install prefix=$inst"
	if OHS_REQUIRE_BINDINGS=1 OHSANDBOX_CLI="$build/tools/ohsandbox" \
		OHSANDBOX_LIBRARY="$inst/lib/libohsandbox.so.0" sh tests/downstream.sh "$inst"; then
		echo "PASS: downstream (pkg-config, pkg-config --static, parity)"
	else
		echo "FAIL: downstream"; status=1
	fi
	if OHSANDBOX_CLI="$build/tools/ohsandbox" sh bindings/python/run-tests.sh "$build"; then
		echo "PASS: python binding"
	else
		echo "FAIL: python binding"; status=1
	fi
	if OHSANDBOX_CLI="$build/tools/ohsandbox" sh bindings/go/run-tests.sh "$inst"; then
		echo "PASS: go binding"
	else
		echo "FAIL: go binding"; status=1
	fi
fi
rm -f "$build/libohsandbox.pc"
rm -rf "$inst"

step "fuzzing (libFuzzer, ${OHS_FUZZ_SECONDS:=10} s per target)"
if OHS_FUZZ_SECONDS=$OHS_FUZZ_SECONDS make -C "$build" fuzz; then
	echo "PASS: fuzz"
else
	echo "FAIL: fuzz"; status=1
fi

step "make distcheck (integration suites skip there: they ran above)"
if ! env -u OHS_REQUIRE_ENGINE DOCKER_HOST=unix:///nonexistent/ohs-distcheck.sock \
	make -C "$build" distcheck >"$build/distcheck.log" 2>&1; then
	tail -n 60 "$build/distcheck.log"; echo "FAIL: make distcheck"; status=1
else
	echo "PASS: make distcheck"
fi

if [ $status -ne 0 ]; then
	echo "tests FAILED"
else
	echo "all tests passed"
fi
exit $status
