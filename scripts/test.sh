#!/bin/sh
# The test command: installs what it needs, starts a local Docker engine and
# registry, builds (warnings are errors), and runs every test (unit,
# integration against the real engine, sanitizers and valgrind, more engines,
# bindings, fuzzing, distcheck).  Exits non-zero when any test fails.
#
# A run cannot hang: every phase runs under an outer `timeout` (its limit is
# printed; OHS_PHASE_TIMEOUT_SCALE multiplies them all) and a phase that
# overruns fails with a message naming it.  A failing phase prints the log
# tail of what failed.  At the end: how many tests ran and were skipped per
# suite, and the time of each phase.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OHS_BUILD_DIR:-$top/build}
cd "$top"

scale=${OHS_PHASE_TIMEOUT_SCALE:-1}
status=0
phases=$(mktemp /tmp/ohs-phases.XXXXXX)
t_all=$(date +%s)

step() { printf '\n=== %s\n' "$*"; }

# run_phase NAME LIMIT_SECONDS COMMAND...: COMMAND under an outer timeout;
# records the phase's time and outcome; returns COMMAND's status.
run_phase() {
	name=$1 limit=$(($2 * scale))
	shift 2
	t0=$(date +%s)
	rc=0
	timeout -k 30 "$limit" "$@" || rc=$?
	secs=$(($(date +%s) - t0))
	case $rc in
	0) res=ok ;;
	124 | 137) res="TIMEOUT after $limit s"
		echo "FAIL: phase \"$name\" did not end within its limit of $limit s (killed)" ;;
	*) res="failed (exit $rc)" ;;
	esac
	printf '%-34s %6s s  %s\n' "$name" "$secs" "$res" >>"$phases"
	return $rc
}

# The log tails of the automake tests of BUILD_DIR that failed.
failed_logs() { # BUILD_DIR
	for f in "$1"/tests/*.log; do
		case "$f" in *test-suite.log | *.vg.log) continue ;; esac
		[ -f "${f%.log}.trs" ] || continue
		if grep -qE '^:test-result: (FAIL|ERROR|XPASS)' "${f%.log}.trs"; then
			echo "--- $f (last 60 lines)"
			tail -n 60 "$f"
		fi
	done
}

# Per suite: result, tests run, tests skipped.  A Check suite reports
# "NN%: Checks: N, ..."; a test that could not run prints "OHS-SKIP: ..."
# (tests/testutil.h); a whole suite skipped is the automake result SKIP.
suite_counts() { # BUILD_DIR
	printf '%-26s %-6s %5s %8s\n' suite result ran skipped
	tr=0 ts=0
	for trs in "$1"/tests/*.trs; do
		[ -f "$trs" ] || continue
		log=${trs%.trs}.log
		name=$(basename "${trs%.trs}")
		res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
		skipped=$(grep -c '^OHS-SKIP:' "$log" 2>/dev/null || true)
		total=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\),.*/\1/p' "$log" | tail -n 1)
		case $res in
		SKIP) ran=0 skipped=${total:-1} ;;
		*) [ -n "$total" ] || total=1     # a shell test counts as one
		   ran=$((total - skipped)) ;;
		esac
		tr=$((tr + ran)) ts=$((ts + skipped))
		printf '%-26s %-6s %5s %8s\n' "$name" "$res" "$ran" "$skipped"
		grep '^OHS-SKIP:' "$log" 2>/dev/null | sed 's/^/    /' || true
	done
	printf '%-26s %-6s %5s %8s\n' total "" "$tr" "$ts"
}

step "dependencies"
run_phase "dependencies" 1200 scripts/deps.sh test
step "build (--enable-werror: warnings in the project's sources are errors)"
run_phase "build" 1200 env OHS_CONFIGURE_FLAGS="--enable-werror ${OHS_CONFIGURE_FLAGS:-}" scripts/build.sh
step "engine, test image and local registry"
run_phase "engine" 600 scripts/engine.sh

export OHS_REQUIRE_ENGINE=1
export OHS_TEST_REGISTRY=127.0.0.1:5000

step "make check (unit + integration against the real engine)"
rm -f "$build"/tests/*.trs "$build"/tests/*.log
if ! run_phase "make check" 1800 make -C "$build" -j2 check; then
	status=1
	failed_logs "$build"
fi
counts=$(suite_counts "$build")

step "sanitizers: ASan+UBSan make check, valgrind memcheck over every suite, TSan over the thread and shared-client suites"
# (sanitize.sh bounds each valgrind run and each sub-phase itself, and
# prints the failing logs)
if run_phase "sanitizers" 3600 env OHS_SAN_TSAN=1 OHS_SAN_BUILD="$build-san" \
	OHS_SAN_TSAN_BUILD="$build-tsan" sh scripts/sanitize.sh "$build"; then
	echo "PASS: sanitizers"
else
	echo "FAIL: sanitizers"; status=1
fi

step "more engines: a second dockerd over TLS, Podman"
# (engines.sh prints the failing lines of each suite's log)
if run_phase "more engines" 1800 sh tests/engines.sh "$build"; then
	echo "PASS: engines"
else
	echo "FAIL: engines"; status=1
	for f in "$build"/tests/engines/*.log; do
		grep -qE ':[FE]:|^FAIL' "$f" 2>/dev/null && { echo "--- $f (last 40 lines)"; tail -n 40 "$f"; }
	done
fi

step "install into a temporary prefix: downstream pkg-config builds, C/Python/Go parity, bindings"
inst=$(mktemp -d /tmp/ohs-inst.XXXXXX)
rm -f "$build/libohsandbox.pc"   # remade for this prefix
if ! run_phase "make install" 600 make -C "$build" install prefix="$inst" >"$build/install.log" 2>&1; then
	tail -n 30 "$build/install.log"; echo "FAIL: make install"; status=1
else
	echo "PASS: make install prefix=$inst"
	if run_phase "downstream" 900 env OHS_REQUIRE_BINDINGS=1 OHSANDBOX_CLI="$build/tools/ohsandbox" \
		OHSANDBOX_LIBRARY="$inst/lib/libohsandbox.so.0" sh tests/downstream.sh "$inst"; then
		echo "PASS: downstream (pkg-config, pkg-config --static, parity)"
	else
		echo "FAIL: downstream"; status=1
	fi
	if run_phase "python binding" 900 env OHSANDBOX_CLI="$build/tools/ohsandbox" \
		sh bindings/python/run-tests.sh "$build"; then
		echo "PASS: python binding"
	else
		echo "FAIL: python binding"; status=1
	fi
	if run_phase "go binding" 900 env OHSANDBOX_CLI="$build/tools/ohsandbox" \
		sh bindings/go/run-tests.sh "$inst"; then
		echo "PASS: go binding"
	else
		echo "FAIL: go binding"; status=1
	fi
fi
rm -f "$build/libohsandbox.pc"
rm -rf "$inst"

# Every tests/fuzz/fuzz_*.c, OHS_FUZZ_SECONDS each, two at a time; the new
# inputs are merged into tests/fuzz/corpus/ (commit them).
: "${OHS_FUZZ_SECONDS:=30}" "${OHS_FUZZ_JOBS:=2}"
nfuzz=$(ls tests/fuzz/fuzz_*.c | wc -l)
step "fuzzing (libFuzzer, $nfuzz targets, $OHS_FUZZ_SECONDS s each, $OHS_FUZZ_JOBS at a time)"
if run_phase "fuzzing" $((900 + nfuzz * OHS_FUZZ_SECONDS * 3)) env OHS_FUZZ_SECONDS="$OHS_FUZZ_SECONDS" \
	OHS_FUZZ_JOBS="$OHS_FUZZ_JOBS" make -C "$build" fuzz; then
	echo "PASS: fuzz"
else
	echo "FAIL: fuzz"; status=1
fi

step "make distcheck (integration suites skip there: they ran above)"
if ! run_phase "make distcheck" 1800 env -u OHS_REQUIRE_ENGINE DOCKER_HOST=unix:///nonexistent/ohs-distcheck.sock \
	make -C "$build" distcheck >"$build/distcheck.log" 2>&1; then
	grep -E '^(FAIL|ERROR|XPASS):' "$build/distcheck.log" || true
	tail -n 60 "$build/distcheck.log"; echo "FAIL: make distcheck"; status=1
else
	echo "PASS: make distcheck"
fi

step "tests run and skipped per suite (make check; OHS_REQUIRE_ENGINE=1, so no engine test may skip)"
printf '%s\n' "$counts"

step "time per phase"
cat "$phases"
printf '%-34s %6s s\n' total "$(($(date +%s) - t_all))"
rm -f "$phases"

if [ $status -ne 0 ]; then
	echo "tests FAILED"
else
	echo "all tests passed"
fi
exit $status
