#!/bin/sh
# Regenerate the ABI baseline abi/libohsandbox.abi from the library built in
# ./build.  Do this only on purpose, when a release adds symbols (in a new
# version node of libohsandbox/libohsandbox.sym) - never to silence tests/abi.sh
# after changing an existing signature.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OHS_BUILD_DIR:-$top/build}
lib=$(ls "$build"/libohsandbox/.libs/libohsandbox.so.*.*.* | head -n 1)
mkdir -p "$top/abi"
abidw --headers-dir "$top/include/ohsandbox" --no-corpus-path --out-file "$top/abi/libohsandbox.abi" "$lib"
echo "wrote abi/libohsandbox.abi from $lib"
