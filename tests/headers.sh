#!/bin/sh
# Every public header compiles on its own, as C and as C++, declares no
# symbol outside the ohs_/OHS_ namespaces, and names only man pages that exist.
. "${top_srcdir:-.}/tests/lib.sh"
inc="-I$top_srcdir/include -I$top_builddir/include"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in "$top_srcdir"/include/ohsandbox.h "$top_srcdir"/include/ohsandbox/*.h; do
	name=${h#"$top_srcdir"/include/}
	printf '#include <%s>\n#include <%s>\nint main(void){return 0;}\n' "$name" "$name" >"$tmp/t.c"
	${CC:-cc} -std=c99 -Wall -Wextra -Werror -pedantic $inc -c "$tmp/t.c" -o "$tmp/t.o" ||
		fail "$name does not compile on its own (or twice) as C99"
	if command -v c++ >/dev/null 2>&1; then
		cp "$tmp/t.c" "$tmp/t.cc"
		c++ -Wall -Werror $inc -c "$tmp/t.cc" -o "$tmp/t.o" || fail "$name does not compile as C++"
	fi
done
# No public identifier outside the namespaces: typedef names, enum constants,
# function names and macros.
names=$(cat "$top_srcdir"/include/ohsandbox/*.h "$top_srcdir"/include/ohsandbox.h | sed -n \
	-e 's/^typedef [^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' \
	-e 's/^typedef [^(]*(\*\([A-Za-z_][A-Za-z0-9_]*\)).*/\1/p' \
	-e 's/^} *\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' \
	-e 's/^[[:space:]]*\([A-Z][A-Z0-9_]*\) = .*/\1/p' \
	-e 's/^OHS_EXTERN([^)]*) *\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' \
	-e 's/^# *define  *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p')
[ -n "$names" ] || fail "found no public identifiers: the check is broken"
bad=$(printf '%s\n' $names | grep -vE '^(ohs_|OHS_|OHSANDBOX_)' || true)
[ -z "$bad" ] || fail "public identifiers outside the ohs_/OHS_ namespace: $bad"
# Every man page a header names ("See ohs_x_new(3)") exists.
refs=$(cat "$top_srcdir"/include/ohsandbox/*.h "$top_srcdir"/include/ohsandbox.h |
	grep -oE '(ohs|ohsandbox)[a-z0-9_-]*\([37]\)' | sort -u)
for r in $refs; do
	page=${r%%(*}
	sec=${r#*(}
	sec=${sec%)}
	[ -f "$top_srcdir/man/man$sec/$page.$sec" ] || fail "a public header names $r, but man/man$sec/$page.$sec does not exist"
done
echo "ok: headers are self-contained and namespaced; the man pages they name exist"
