# Shared helpers for the shell tests (sourced).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

ohs_lib() {
	for f in "$top_builddir"/libohsandbox/.libs/libohsandbox.so.[0-9]*; do
		[ -f "$f" ] && [ ! -L "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

fail() { echo "FAIL: $*" >&2; exit 1; }
