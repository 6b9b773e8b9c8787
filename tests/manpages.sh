#!/bin/sh
# Every exported function needs a man3 page of its own name (real page or .so alias),
# and every page must be listed in the build (so it is installed and distributed).
. "${top_srcdir:-.}/tests/lib.sh"
lib=$(ohs_lib) || fail "libohsandbox.so not built"
missing=""
for sym in $(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u); do
	page="$top_srcdir/man/man3/$sym.3"
	if [ ! -f "$page" ]; then
		missing="$missing $sym"
		continue
	fi
	grep -qs "man/man3/$sym.3" "$top_srcdir"/man/*.inc || missing="$missing $sym(not-listed-in-man/*.inc)"
done
[ -z "$missing" ] || fail "exported functions without a man page:$missing"
for p in man1/ohsandbox.1 man7/ohsandbox.7; do
	[ -f "$top_srcdir/man/$p" ] || fail "missing man/$p"
done
# Pages must render without warnings.
if command -v groff >/dev/null 2>&1; then
	for f in "$top_srcdir"/man/man*/*.[137]; do
		head -n 1 "$f" | grep -q '^\.so ' && continue
		out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$f" 2>&1) || fail "$f does not render"
		[ -z "$out" ] || fail "$f: groff warnings: $out"
	done
fi
echo "ok: every exported function has a man page"
