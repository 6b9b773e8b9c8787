#!/bin/sh
# Only ohs_* symbols may be exported, all in version node OHSANDBOX_1.0 (or later nodes).
. "${top_srcdir:-.}/tests/lib.sh"
lib=$(ohs_lib) || fail "libohsandbox.so not built"
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^OHSANDBOX_' | sed 's/@.*//' | grep -v '^ohs_[a-z0-9_]*$' || true)
[ -z "$bad" ] || fail "symbols outside the ohs_ namespace exported from $lib: $bad"
count=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/' | wc -l)
[ "$count" -gt 0 ] || fail "no symbols exported from $lib"
nodes=$(objdump -T "$lib" | awk '$NF ~ /^ohs_/ {print $(NF-1)}' | sort -u | tr '\n' ' ')
case "$nodes" in
*OHSANDBOX_1.0*) ;;
*) fail "exported symbols are not versioned OHSANDBOX_1.0 (nodes: $nodes)" ;;
esac
# No internal helper may leak, whatever its name.
if nm -D --defined-only "$lib" | awk '{print $3}' | grep -q '^ohs__'; then
	fail "internal ohs__ symbols are exported"
fi
echo "ok: $count exported symbols, all ohs_*, nodes: $nodes"
