#!/bin/sh
# Build and run the libFuzzer targets of libohsandbox.
#
#   tests/fuzz/run.sh ABS_SRCDIR ABS_BUILDDIR [TARGET...]
#
# Each fuzz_*.c is compiled with clang (-fsanitize=fuzzer,address,undefined)
# together with the library sources into BUILDDIR/tests/fuzz/, then run for
# OHS_FUZZ_SECONDS (default 20) over a copy of its seed corpus
# tests/fuzz/corpus/<target>/ (new inputs go to the copy, never into the
# source tree).  Any crash, leak, UB report, timeout or build failure makes
# the script exit non-zero; crash inputs are left in BUILDDIR/tests/fuzz/
# artifacts/.  The configured build tree must exist (build-config.h,
# include/ohsandbox/version.h): `make fuzz` runs `make all` first.
#
# Environment: OHS_FUZZ_SECONDS, OHS_FUZZ_CC (clang), OHS_FUZZ_JOBS (targets
# run at the same time, default 1), OHS_FUZZ_FLAGS (extra libFuzzer flags).
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 ABS_SRCDIR ABS_BUILDDIR [TARGET...]" >&2
	exit 2
fi
SRC=$(cd "$1" && pwd) || exit 2
BLD=$(cd "$2" && pwd) || exit 2
shift 2

SECS=${OHS_FUZZ_SECONDS:-20}
CC=${OHS_FUZZ_CC:-clang}
JOBS=${OHS_FUZZ_JOBS:-1}
OUT=$BLD/tests/fuzz
OBJ=$OUT/obj

ALL_TARGETS="fuzz_volumes fuzz_env fuzz_networks fuzz_demux fuzz_json fuzz_engine fuzz_cli fuzz_policy fuzz_merge fuzz_download"
TARGETS=${*:-$ALL_TARGETS}

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found (set OHS_FUZZ_CC to a clang with libFuzzer)" >&2
	exit 1
fi
if [ ! -f "$BLD/build-config.h" ] || [ ! -f "$BLD/include/ohsandbox/version.h" ]; then
	echo "fuzz: $BLD is not a configured build tree (run configure and make there first)" >&2
	exit 1
fi
PKG_CFLAGS=$(pkg-config --cflags libcurl jansson libarchive) || exit 1
PKG_LIBS=$(pkg-config --libs libcurl jansson libarchive) || exit 1

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-g -O1 -std=gnu11 $SAN"
CPPFLAGS="-I$SRC/include -I$BLD -I$BLD/include -I$SRC/libohsandbox -DOHS_BUILDING_LIBRARY $PKG_CFLAGS"

mkdir -p "$OBJ" "$OUT/artifacts" || exit 1

# ---------------------------------------------------------------- build
# The library sources, once, instrumented for coverage (fuzzer-no-link).
LIBOBJS=""
for src in "$SRC"/libohsandbox/*.c; do
	o=$OBJ/$(basename "$src" .c).o
	# Rebuild when missing, or older than its source or any header.
	if [ ! -f "$o" ] || [ -n "$(find "$src" -newer "$o" 2>/dev/null)" ] ||
	   [ -n "$(find "$SRC/libohsandbox" "$SRC/include" "$BLD/build-config.h" "$BLD/include" \
		-name '*.h' -newer "$o" 2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2086 # flag lists split on purpose
		$CC $CFLAGS -fsanitize=fuzzer-no-link $CPPFLAGS -c "$src" -o "$o" || {
			echo "fuzz: FAIL: cannot compile $src" >&2
			exit 1
		}
	fi
	LIBOBJS="$LIBOBJS $o"
done

for t in $TARGETS; do
	objs=$LIBOBJS
	# shellcheck disable=SC2086 # LIBOBJS splits on purpose (no spaces in paths)
	case $t in
	# fuzz_json #includes session.c to reach its static parsers.
	fuzz_json) objs=$(printf '%s\n' $LIBOBJS | grep -v '/session\.o$') ;;
	# fuzz_engine replaces the transport (client.o) with a scripted engine.
	fuzz_engine) objs=$(printf '%s\n' $LIBOBJS | grep -v '/client\.o$') ;;
	esac
	# shellcheck disable=SC2086
	$CC $CFLAGS -fsanitize=fuzzer $CPPFLAGS -I"$SRC/tests/fuzz" \
		"$SRC/tests/fuzz/$t.c" $objs $PKG_LIBS -lpthread -o "$OUT/$t" || {
		echo "fuzz: FAIL: cannot build $t" >&2
		exit 1
	}
done

# ---------------------------------------------------------------- run
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
LSAN_SUPP=$SRC/tests/fuzz/lsan.supp
if [ -f "$LSAN_SUPP" ]; then
	export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$LSAN_SUPP"
fi

run_one() {
	t=$1
	work=$OUT/corpus/$t
	rm -f "$OUT/artifacts/$t-"*
	rm -rf "$work"
	mkdir -p "$work"
	if [ -d "$SRC/tests/fuzz/corpus/$t" ]; then
		cp "$SRC/tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null
	fi
	# shellcheck disable=SC2086
	( cd "$OUT" && "./$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" \
		${OHS_FUZZ_FLAGS:-} "$work" ) >"$OUT/$t.log" 2>&1
	echo $? >"$OUT/$t.rc"
}

rm -f "$OUT"/*.rc
if [ "$JOBS" -gt 1 ]; then
	running=0
	for t in $TARGETS; do
		run_one "$t" &
		running=$((running + 1))
		if [ "$running" -ge "$JOBS" ]; then
			wait
			running=0
		fi
	done
	wait
else
	for t in $TARGETS; do
		run_one "$t"
	done
fi

total=0
failed=0
for t in $TARGETS; do
	rc=$(cat "$OUT/$t.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$OUT/$t.log" | tail -1)
	[ -n "$runs" ] || runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$OUT/$t.log" | tail -1)
	[ -n "$runs" ] || runs=0
	total=$((total + runs))
	if [ "$rc" -eq 0 ]; then
		printf 'fuzz: %-14s %10s executions, ok\n' "$t" "$runs"
	else
		failed=$((failed + 1))
		printf 'fuzz: %-14s %10s executions, FAILED (exit %s), log %s\n' "$t" "$runs" "$rc" "$OUT/$t.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant failed|.*runtime error:|artifact_prefix|Test unit written)' \
			"$OUT/$t.log" | head -20 | sed 's/^/    /'
	fi
done
echo "fuzz: $total executions in total"
if [ "$failed" -gt 0 ]; then
	echo "fuzz: $failed target(s) failed" >&2
	exit 1
fi
exit 0
