#!/bin/sh
# Build and run the libFuzzer targets of libohsandbox.
#
#   tests/fuzz/run.sh ABS_SRCDIR ABS_BUILDDIR [TARGET...]
#
# Every tests/fuzz/fuzz_*.c is a target (nothing to register: a new file is
# picked up).  The library sources are compiled once with clang
# (-fsanitize=fuzzer-no-link,address,undefined) into BUILDDIR/tests/fuzz/obj/;
# each target is a program of its own that calls the library through its
# headers (public, and the internal *_int.h) and is linked with those
# objects, without the ones a line "OHS-FUZZ-WITHOUT: NAME.o ..." in its
# source names (a target that replaces them, e.g. the transport), and with
# the extra ones a line "OHS-FUZZ-WITH: NAME.o ..." names (ohsandbox-cli.o:
# tools/ohsandbox.c with main renamed to ohs_cli_main).  No target
# #includes a .c file.  Each then runs for OHS_FUZZ_SECONDS (default 20)
# over a copy of its corpus tests/fuzz/corpus/<target>/.
#
# The corpus accumulates: after a clean run, the run's new inputs that add
# coverage are minimised into tests/fuzz/corpus/<target>/ with libFuzzer's
# -merge=1 (OHS_FUZZ_MERGE=0 leaves the source tree alone); commit them.
# A crash input is copied there too (as crash-<sha1>), so that every later
# run replays it as a regression test until it is fixed.  Any crash, leak,
# UB report, timeout or build failure makes the script exit non-zero; the
# artifacts stay in BUILDDIR/tests/fuzz/artifacts/.  The configured build
# tree must exist (build-config.h, include/ohsandbox/version.h): `make fuzz`
# runs `make all` first.
#
# Environment: OHS_FUZZ_SECONDS, OHS_FUZZ_CC (clang), OHS_FUZZ_JOBS (targets
# run at the same time, default 1), OHS_FUZZ_FLAGS (extra libFuzzer flags),
# OHS_FUZZ_MERGE (default 1).
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

MERGE=${OHS_FUZZ_MERGE:-1}
ALL_TARGETS=$(cd "$SRC/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//' | tr '\n' ' ')
TARGETS=${*:-$ALL_TARGETS}
[ -n "$TARGETS" ] || { echo "fuzz: no tests/fuzz/fuzz_*.c target found" >&2; exit 1; }

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
# The CLI, for targets that name it on an OHS-FUZZ-WITH: line.
CLIOBJ=$OBJ/ohsandbox-cli.o
if [ ! -f "$CLIOBJ" ] || [ -n "$(find "$SRC/tools/ohsandbox.c" -newer "$CLIOBJ" 2>/dev/null)" ] ||
   [ -n "$(find "$SRC/include" "$BLD/include" -name '*.h' -newer "$CLIOBJ" 2>/dev/null | head -n 1)" ]; then
	# shellcheck disable=SC2086
	$CC $CFLAGS -fsanitize=fuzzer-no-link -I"$SRC/include" -I"$BLD/include" -I"$BLD" $PKG_CFLAGS \
		-Dmain=ohs_cli_main -c "$SRC/tools/ohsandbox.c" -o "$CLIOBJ" || {
		echo "fuzz: FAIL: cannot compile $SRC/tools/ohsandbox.c" >&2
		exit 1
	}
fi

for t in $TARGETS; do
	[ -f "$SRC/tests/fuzz/$t.c" ] || { echo "fuzz: FAIL: no target $SRC/tests/fuzz/$t.c" >&2; exit 1; }
	objs=$LIBOBJS
	# The library objects the target replaces ("OHS-FUZZ-WITHOUT:") and
	# the extra objects it needs ("OHS-FUZZ-WITH:").
	without=$(sed -n 's|.*OHS-FUZZ-WITHOUT:\(.*\)|\1|p' "$SRC/tests/fuzz/$t.c" | sed 's|\*/||' |
		tr ' ' '\n' | grep -E '^[a-z_]+\.o$' | sort -u)
	for o in $without; do
		objs=$(printf '%s\n' $objs | grep -v "/$o\$")
	done
	with=$(sed -n 's|.*OHS-FUZZ-WITH:\(.*\)|\1|p' "$SRC/tests/fuzz/$t.c" | sed 's|\*/||' |
		tr ' ' '\n' | grep -E '^[a-z_-]+\.o$' | sort -u)
	for o in $with; do
		[ -f "$OBJ/$o" ] || { echo "fuzz: FAIL: $t: no object $o (OHS-FUZZ-WITH)" >&2; exit 1; }
		objs="$objs $OBJ/$o"
	done
	if grep -q '^#include "[^"]*\.c"' "$SRC/tests/fuzz/$t.c"; then
		echo "fuzz: FAIL: $t #includes a .c file; call the library through its headers" >&2
		exit 1
	fi
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
	rc=$?
	echo $rc >"$OUT/$t.rc"
	[ "$MERGE" != 0 ] || return 0
	mkdir -p "$SRC/tests/fuzz/corpus/$t"
	if [ $rc -ne 0 ]; then
		# keep each crash input as a regression test
		for a in "$OUT/artifacts/$t-"*; do
			[ -f "$a" ] || continue
			cp "$a" "$SRC/tests/fuzz/corpus/$t/crash-$(sha1sum <"$a" | cut -c1-40)"
		done
		return 0
	fi
	# the run's new inputs that add coverage, minimised, into the source corpus
	before=$(ls "$SRC/tests/fuzz/corpus/$t" | wc -l)
	( cd "$OUT" && "./$t" -merge=1 -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		"$SRC/tests/fuzz/corpus/$t" "$work" ) >"$OUT/$t.merge.log" 2>&1 ||
		echo 1 >"$OUT/$t.rc"
	echo $(($(ls "$SRC/tests/fuzz/corpus/$t" | wc -l) - before)) >"$OUT/$t.new"
}

rm -f "$OUT"/*.rc "$OUT"/*.new
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
newtotal=0
for t in $TARGETS; do
	rc=$(cat "$OUT/$t.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$OUT/$t.log" | tail -1)
	[ -n "$runs" ] || runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$OUT/$t.log" | tail -1)
	[ -n "$runs" ] || runs=0
	total=$((total + runs))
	new=$(cat "$OUT/$t.new" 2>/dev/null || echo 0)
	if [ "$rc" -eq 0 ]; then
		printf 'fuzz: %-14s %10s executions, ok, corpus %s inputs (%s new)\n' "$t" "$runs" \
			"$(ls "$SRC/tests/fuzz/corpus/$t" 2>/dev/null | wc -l)" "$new"
		newtotal=$((newtotal + new))
	else
		failed=$((failed + 1))
		printf 'fuzz: %-14s %10s executions, FAILED (exit %s), log %s\n' "$t" "$runs" "$rc" "$OUT/$t.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant failed|.*runtime error:|artifact_prefix|Test unit written)' \
			"$OUT/$t.log" | head -20 | sed 's/^/    /'
		[ -s "$OUT/$t.merge.log" ] && { echo "    corpus merge:"; tail -n 5 "$OUT/$t.merge.log" | sed 's/^/    /'; }
		[ "$MERGE" != 0 ] && ls "$SRC/tests/fuzz/corpus/$t"/crash-* >/dev/null 2>&1 &&
			echo "    crash inputs kept as regression tests: $(ls "$SRC/tests/fuzz/corpus/$t"/crash-* | tr '\n' ' ')"
	fi
done
echo "fuzz: $total executions in total"
if [ "$MERGE" != 0 ] && [ "$newtotal" -gt 0 ]; then
	echo "fuzz: $newtotal new corpus inputs in $SRC/tests/fuzz/corpus/: commit them"
fi
if [ "$failed" -gt 0 ]; then
	echo "fuzz: $failed target(s) failed" >&2
	exit 1
fi
exit 0
