#!/bin/sh
# ABI check: compare the built library with the committed baseline
# abi/libohsandbox.abi (abidw output).  Added symbols are fine; removed or
# changed ones fail.  To change the baseline on purpose (a new release with
# new symbols), run scripts/abi-update.sh and commit abi/libohsandbox.abi.
. "${top_srcdir:-.}/tests/lib.sh"
lib=$(ohs_lib) || fail "libohsandbox.so not built"
base="$top_srcdir/abi/libohsandbox.abi"
[ -f "$base" ] || fail "no ABI baseline at abi/libohsandbox.abi (run scripts/abi-update.sh)"
if ! command -v abidiff >/dev/null 2>&1; then
	echo "SKIP: abidiff not installed (Debian package abigail-tools)"; exit 77
fi
hdrs="$top_srcdir/include/ohsandbox"
diff=$(mktemp)
trap 'rm -f "$diff"' EXIT
abidiff --no-added-syms --headers-dir1 "$hdrs" --headers-dir2 "$hdrs" "$base" "$lib" >"$diff" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	cat "$diff"
	[ $((rc & 1)) -ne 0 ] && fail "abidiff could not run (status $rc)"
	fail "ABI changed incompatibly against abi/libohsandbox.abi (abidiff status $rc); see above"
fi
# The baseline should name no build path (scripts/abi-update.sh makes it so).
if grep -q "='/" "$base"; then
	echo "warning: abi/libohsandbox.abi names absolute build paths; regenerate it with scripts/abi-update.sh"
fi
echo "ok: ABI compatible with abi/libohsandbox.abi"
