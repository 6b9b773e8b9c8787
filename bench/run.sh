#!/bin/sh
# Build and run every benchmark in bench/ against the local engine, in one
# run, and print one table.  Usage: bench/run.sh ABS_SRCDIR ABS_BUILDDIR
# (the library must be built: `make bench` does both).
#
# Knobs (environment): OHS_TEST_IMAGE (default ohs-test:latest),
# OHS_BENCH_COLD_N (15), OHS_BENCH_POOL_ROUNDS (10), OHS_BENCH_TPUT_REPEATS (3),
# OHS_BENCH_HEAP_N (16), OHS_BENCH_SHELL_N (100), OHS_BENCH_ONESHOT_N (15), CC (cc).
set -eu

srcdir=${1:?usage: run.sh ABS_SRCDIR ABS_BUILDDIR}
builddir=${2:?usage: run.sh ABS_SRCDIR ABS_BUILDDIR}
CC=${CC:-cc}
out="$builddir/bench"
lib="$builddir/libohsandbox/.libs"
mkdir -p "$out"

if [ ! -e "$lib/libohsandbox.so" ]; then
	echo "run.sh: $lib/libohsandbox.so not found: build the library first (make)" >&2
	exit 1
fi
export OHS_TEST_IMAGE="${OHS_TEST_IMAGE:-ohs-test:latest}"

build() { # NAME
	$CC -O2 -Wall -I"$srcdir/include" -I"$builddir/include" \
		-o "$out/$1" "$srcdir/bench/$1.c" \
		-L"$lib" -lohsandbox -Wl,-rpath,"$lib" -lcurl -lpthread
}

build bench_lifecycle
have_shell=no
if [ -f "$srcdir/bench/bench_shell.c" ]; then
	build bench_shell && have_shell=yes
fi

rows="$out/rows.txt"
: >"$rows"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$out/bench_lifecycle" "${OHS_BENCH_COLD_N:-15}" "${OHS_BENCH_POOL_ROUNDS:-10}" \
	"${OHS_BENCH_TPUT_REPEATS:-3}" "${OHS_BENCH_HEAP_N:-16}" >"$out/lifecycle.txt"
grep '^#' "$out/lifecycle.txt" || true
grep '^ROW' "$out/lifecycle.txt" >>"$rows" || true

if [ $have_shell = yes ]; then
	"$out/bench_shell" "${OHS_BENCH_SHELL_N:-100}" >"$out/shell.txt"
	sed 's/^/# shell: /' "$out/shell.txt"
	# rows "ohs_shell_run MEDIAN ..." and "ohs_session_exec MEDIAN ..."
	awk '$1 == "ohs_shell_run" { s = $2 } $1 == "ohs_session_exec" { e = $2 }
		END { if (s != "" && e != "")
			printf "ROW\tone command: shell vs exec, median (ms)\t%s\t%s (exec)\t%.3fx\t<= 0.5 ms\t%s\n",
				s, e, s / e, (s <= 0.5 ? "met" : "MISSED") }' "$out/shell.txt" >>"$rows"
fi

# one-shot `ohsandbox run` against `docker run --rm` (the CLI, interleaved)
LD_LIBRARY_PATH="$lib" sh "$srcdir/bench/oneshot.sh" "$builddir/tools/ohsandbox" \
	"${OHS_BENCH_ONESHOT_N:-15}" >"$out/oneshot.txt"
grep '^#' "$out/oneshot.txt" || true
grep '^ROW' "$out/oneshot.txt" >>"$rows" || true

echo
printf '| %-42s | %-10s | %-16s | %-8s | %-9s | %-6s |\n' benchmark library baseline ratio target result
printf '|%s|%s|%s|%s|%s|%s|\n' -------------------------------------------- ------------ ------------------ ---------- ----------- --------
while IFS="$(printf '\t')" read -r tag name libv base ratio target result; do
	printf '| %-42s | %-10s | %-16s | %-8s | %-9s | %-6s |\n' "$name" "$libv" "$base" "$ratio" "$target" "$result"
done <"$rows"
