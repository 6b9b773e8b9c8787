#!/bin/sh
# Memory and undefined-behaviour checks of libohsandbox.
#
#   scripts/sanitize.sh [BUILD_DIR]
#
# 1. ASan + UBSan: configures a build in ${OHS_SAN_BUILD:-/tmp/ohs-san} with
#    --enable-sanitizers (-fsanitize=address,undefined, no recovery) and
#    CC=gcc, and runs `make check` there with leak detection on.  Any failing
#    test, and any sanitizer report found in a test log (even from a test
#    that passed, e.g. a child process), is a failure.
# 2. valgrind memcheck: every tests/check_* program of the normal build
#    BUILD_DIR (default ./build, else the source tree's build/) runs under
#    `CK_FORK=no valgrind --leak-check=full --errors-for-leak-kinds=definite
#    --error-exitcode=99`.
#
# The integration suites need the Docker engine: OHS_REQUIRE_ENGINE defaults
# to 1 here so that they run (and fail without an engine) instead of
# skipping; set OHS_REQUIRE_ENGINE=0 to let them skip.  OHS_SAN_SKIP_ASAN=1
# or OHS_SAN_SKIP_VALGRIND=1 leave a phase out; OHS_SAN_TSAN=1 adds a
# ThreadSanitizer pass over every suite that uses threads or shares a client
# between threads (see below).  Exits non-zero on any finding; logs stay in
# the build directories (tests/*.log, tests/*.vg.log).
#
# Nothing can hang: each `make check` runs under an outer timeout
# (OHS_SAN_CHECK_TIMEOUT, default 1800 s) and each valgrind run under its own
# (OHS_SAN_VG_TIMEOUT, default 900 s: CK_FORK=no leaves Check without its
# per-test timeouts); an overrun is a failure naming what overran.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
san=${OHS_SAN_BUILD:-/tmp/ohs-san}
if [ $# -ge 1 ]; then
	build=$1
elif [ -d ./build ]; then
	build=./build
else
	build=$top/build
fi
jobs=${OHS_SAN_JOBS:-2}

export OHS_REQUIRE_ENGINE="${OHS_REQUIRE_ENGINE:-1}"
# Sanitized builds run several times slower: give Check's per-test timeouts room.
export CK_TIMEOUT_MULTIPLIER="${CK_TIMEOUT_MULTIPLIER:-5}"
export OHS_TEST_IMAGE="${OHS_TEST_IMAGE:-ohs-test:latest}"

check_limit=${OHS_SAN_CHECK_TIMEOUT:-1800}
vg_limit=${OHS_SAN_VG_TIMEOUT:-900}

status=0
t0=$(date +%s)
step() { printf '\n=== %s\n' "$*"; }

# Sanitizer reports in a log (ASan, LSan, UBSan).
san_reports() {
	grep -aE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)' "$1" 2>/dev/null
}

# ---------------------------------------------------------------- ASan + UBSan
if [ "${OHS_SAN_SKIP_ASAN:-0}" = 0 ]; then
	step "ASan + UBSan build in $san (gcc, --enable-sanitizers)"
	mkdir -p "$san" || exit 1
	if [ ! -f "$san/Makefile" ]; then
		(cd "$san" && "$top/configure" -q --enable-sanitizers CC=gcc) || {
			echo "FAIL: configure --enable-sanitizers"
			exit 1
		}
	fi
	if ! make -C "$san" -j"$jobs" >"$san/make.log" 2>&1; then
		tail -n 40 "$san/make.log"
		echo "FAIL: sanitizer build"
		exit 1
	fi

	step "make check under ASan + UBSan"
	# The library's own leaks must show; third-party ones would go to
	# tests/fuzz/lsan.supp (none needed so far).
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	export ASAN_OPTIONS UBSAN_OPTIONS
	if [ -f "$top/tests/fuzz/lsan.supp" ]; then
		LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
		export LSAN_OPTIONS
	fi
	rm -f "$san"/tests/*.log "$san"/tests/*.trs
	timeout -k 30 "$check_limit" make -C "$san" -j"$jobs" check >"$san/check.log" 2>&1
	rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		status=1
		echo "FAIL: make check under ASan + UBSan did not end within $check_limit s (killed)"
	elif [ $rc != 0 ]; then
		status=1
		echo "FAIL: make check under sanitizers"
	fi
	grep -aE '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$san/check.log"
	for f in "$san"/tests/*.log; do
		case "$f" in *test-suite.log) continue ;; esac
		[ -f "$f" ] || continue
		failed=0
		grep -qE '^:test-result: (FAIL|ERROR|XPASS)' "${f%.log}.trs" 2>/dev/null && failed=1
		if san_reports "$f" >/dev/null; then
			failed=1
			echo "FAIL: sanitizer report in $f"
		fi
		if [ $failed = 1 ]; then
			status=1
			echo "--- $f"
			{ san_reports "$f"; grep -aE '(:[EF]:|Assertion|failed)' "$f"; } | head -n 30
			grep -aE -A14 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f" | head -n 60
		fi
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
	echo "ASan/UBSan phase: $(($(date +%s) - t0)) s"
fi

# ---------------------------------------------------------------- TSan (opt-in)
# OHS_SAN_TSAN=1: in a -fsanitize=thread build in ${OHS_SAN_TSAN_BUILD:-/tmp/ohs-tsan},
# every suite with more than one thread (OHS_SAN_TSAN_TESTS): check_threads
# and check_pool (sessions and a pool shared by threads), check_client (one
# client used by several threads, a fake engine thread), check_faults (an
# exec in a background thread while the main one kills the engine), and
# check_error (the per-thread last error).
if [ "${OHS_SAN_TSAN:-0}" != 0 ]; then
	tsan=${OHS_SAN_TSAN_BUILD:-/tmp/ohs-tsan}
	tt=$(date +%s)
	step "TSan build in $tsan and thread suites"
	mkdir -p "$tsan" || exit 1
	if [ ! -f "$tsan/Makefile" ]; then
		(cd "$tsan" && "$top/configure" -q CC=gcc CFLAGS="-g -O1 -fsanitize=thread" \
			LDFLAGS="-fsanitize=thread") || { echo "FAIL: configure (TSan)"; exit 1; }
	fi
	rm -f "$tsan"/tests/*.log "$tsan"/tests/*.trs
	# (check_faults' create/remove cycles only report memory under a
	# sanitizer: 200 of them are enough for TSan)
	TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
		OHS_FAULTS_CYCLES="${OHS_FAULTS_CYCLES:-200}" timeout -k 30 "$check_limit" make -C "$tsan" -j"$jobs" check \
		TESTS="${OHS_SAN_TSAN_TESTS:-tests/check_threads tests/check_pool tests/check_client tests/check_faults tests/check_error}" \
		>"$tsan/check.log" 2>&1
	rc=$?
	if [ $rc != 0 ]; then
		status=1
		if [ $rc = 124 ] || [ $rc = 137 ]; then
			echo "FAIL: thread suites under TSan did not end within $check_limit s (killed)"
		else
			echo "FAIL: thread suites under TSan (logs in $tsan/tests)"
		fi
		grep -aE -A20 'WARNING: ThreadSanitizer' "$tsan"/tests/*.log | head -n 60
		for f in "$tsan"/tests/*.log; do
			case "$f" in *test-suite.log) continue ;; esac
			grep -qE '^:test-result: (FAIL|ERROR|XPASS)' "${f%.log}.trs" 2>/dev/null &&
				{ echo "--- $f (last 40 lines)"; tail -n 40 "$f"; }
		done
	fi
	grep -aE '^(PASS|FAIL|SKIP|ERROR):' "$tsan/check.log"
	echo "TSan phase: $(($(date +%s) - tt)) s"
fi

# ---------------------------------------------------------------- valgrind
if [ "${OHS_SAN_SKIP_VALGRIND:-0}" = 0 ]; then
	t1=$(date +%s)
	step "valgrind memcheck over $build/tests/check_* (CK_FORK=no)"
	if ! command -v valgrind >/dev/null 2>&1; then
		echo "FAIL: valgrind not installed"
		exit 1
	fi
	if [ ! -f "$build/Makefile" ]; then
		echo "FAIL: $build is not a configured build directory"
		exit 1
	fi
	# Build the check programs without running them.
	if ! make -C "$build" -j"$jobs" check TESTS= >"$build/sanitize-make.log" 2>&1; then
		tail -n 40 "$build/sanitize-make.log"
		echo "FAIL: building the check programs in $build"
		exit 1
	fi
	for prog in "$build"/tests/check_*; do
		case "$prog" in *.o|*.log|*.trs|*.c|*.h) continue ;; esac
		if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then
			continue
		fi
		name=$(basename "$prog")
		log=$build/tests/$name.vg.log
		run=
		# A libtool wrapper script: run valgrind on the real binary.
		if [ "$(head -c 2 "$prog")" = "#!" ]; then
			run="$build/libtool --mode=execute"
		fi
		s0=$(date +%s)
		# shellcheck disable=SC2086
		CK_FORK=no CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-120}" timeout -k 30 "$vg_limit" \
			$run valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
			"$prog" >"$log" 2>&1
		rc=$?
		secs=$(($(date +%s) - s0))
		case $rc in
		0) echo "PASS: valgrind $name (${secs}s)" ;;
		77) echo "SKIP: valgrind $name (no engine; ${secs}s)" ;;
		124 | 137)
			status=1
			echo "FAIL: valgrind $name did not end within $vg_limit s (killed), log $log"
			tail -n 20 "$log"
			;;
		99)
			status=1
			echo "FAIL: valgrind $name: memcheck errors or definite leaks (${secs}s), log $log"
			grep -aE '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and|Argument|[0-9,]+ bytes in [0-9,]+ blocks are definitely)' "$log" | head -n 20
			grep -aE -A12 '^==[0-9]+== (Invalid|Conditional|[0-9,]+ bytes in [0-9,]+ blocks are definitely)' "$log" | head -n 60
			;;
		*)
			status=1
			echo "FAIL: valgrind $name: exit $rc (${secs}s), log $log"
			grep -aE '(:[EF]:|Checks:|Assertion)' "$log" | head -n 20
			tail -n 20 "$log"
			;;
		esac
	done
	echo "valgrind phase: $(($(date +%s) - t1)) s"
fi

echo
echo "sanitize: $(($(date +%s) - t0)) s in total"
if [ $status -ne 0 ]; then
	echo "sanitize: FAILED"
else
	echo "sanitize: no findings"
fi
exit $status
