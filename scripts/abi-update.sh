#!/bin/sh
# Regenerate the ABI baseline abi/libohsandbox.abi from the library built in
# ./build.  Do this only on purpose, when a release adds symbols (in a new
# version node of libohsandbox/libohsandbox.sym) - never to silence tests/abi.sh
# after changing an existing signature.
#
# The baseline names no build path: --no-corpus-path (the library's path),
# --no-comp-dir-path (the compilation directory), --short-locs (translation
# units by file name) and --no-show-locs (no file:line locations, so the file
# only changes when the ABI does, whichever tree or checkout it is made in).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OHS_BUILD_DIR:-$top/build}
lib=$(ls "$build"/libohsandbox/.libs/libohsandbox.so.*.*.* | head -n 1)
mkdir -p "$top/abi"
abidw --headers-dir "$top/include/ohsandbox" --no-corpus-path --no-comp-dir-path \
	--short-locs --no-show-locs --out-file "$top/abi/libohsandbox.abi" "$lib"
if grep -q "='/" "$top/abi/libohsandbox.abi"; then
	echo "abi-update: abi/libohsandbox.abi still names an absolute path:" >&2
	grep -n "='/" "$top/abi/libohsandbox.abi" | head -n 3 >&2
	exit 1
fi
echo "wrote abi/libohsandbox.abi from $lib"
