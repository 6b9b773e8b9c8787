#!/bin/sh
# Test the Python binding against the library built in BUILD_DIR:
#   bindings/python/run-tests.sh BUILD_DIR
# 1. the unit and engine tests (pytest when available, else unittest), with
#    OHSANDBOX_LIBRARY=BUILD_DIR/libohsandbox/.libs/libohsandbox.so.0;
# 2. an offline `pip install` (no index, no build isolation) into a temporary
#    venv, then an import and a small check from there.
# Engine tests skip when no engine answers unless OHS_REQUIRE_ENGINE=1.
# Needs (Debian): python3, python3-pip, python3-setuptools, python3-wheel,
# python3-venv; python3-pytest (optional: unittest is the fallback).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
lib="$build/libohsandbox/.libs/libohsandbox.so.0"

if [ ! -e "$lib" ]; then
	echo "run-tests.sh: $lib not found; build the library first (make -C $build)" >&2
	exit 1
fi

# Prefer Debian's python3 (with its python3-setuptools / python3-pytest).
if [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3
else
	py=$(command -v python3)
fi
echo "run-tests.sh: using $py ($($py --version 2>&1)), library $lib"

OHSANDBOX_LIBRARY=$lib
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
export OHSANDBOX_LIBRARY
if [ -z "${OHSANDBOX_CLI:-}" ] && [ -x "$build/tools/ohsandbox" ]; then
	OHSANDBOX_CLI=$build/tools/ohsandbox
	export OHSANDBOX_CLI
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ohs-py.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---------------------------------------------------------------- 1. tests
# Run from a scratch directory so that `import ohsandbox` is the source tree
# given by PYTHONPATH, not a stray installed copy.
status=0
if $py -c 'import pytest' 2>/dev/null; then
	(cd "$tmp" && PYTHONPATH="$here" $py -m pytest -q -rs -p no:cacheprovider "$here/tests") || status=1
else
	echo "run-tests.sh: pytest not found (Debian: python3-pytest); using unittest"
	(cd "$tmp" && PYTHONPATH="$here" $py -m unittest discover -s "$here/tests" -t "$here/tests" -v) || status=1
fi

# ---------------------------------------------------------------- 2. offline pip install
# A copy of the source keeps build/ and *.egg-info out of the tree.
mkdir "$tmp/src"
cp -R "$here/pyproject.toml" "$here/README.md" "$here/ohsandbox" "$tmp/src/"
# --without-pip: the venv runs the system pip (python3-pip), which installs
# into the venv; much faster than ensurepip.
if $py -m venv --without-pip --system-site-packages "$tmp/venv" >"$tmp/venv.log" 2>&1 &&
   "$tmp/venv/bin/python" -m pip --version >>"$tmp/venv.log" 2>&1; then
	vpy=$tmp/venv/bin/python
	target=
else
	echo "run-tests.sh: no venv with pip (Debian: python3-venv, python3-pip); installing with --target"
	cat "$tmp/venv.log"
	vpy=$py
	target=$tmp/target
fi
# PIP_NO_INDEX and a dead proxy make sure no index is consulted.
if ! (cd "$tmp" && PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
	http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
	$vpy -m pip install -q --no-build-isolation --no-index ${target:+--target "$target"} "$tmp/src"); then
	echo "run-tests.sh: FAIL: offline pip install" >&2
	status=1
else
	if (cd "$tmp" && OHS_PY_TMP=$tmp PYTHONPATH=$target $vpy - <<'EOF'
import json, os, ohsandbox
where = os.path.realpath(ohsandbox.__file__)
assert where.startswith(os.path.realpath(os.environ["OHS_PY_TMP"])), "imported from " + where
cfg = ohsandbox.Config.from_env({"HOME": "/h", "SANDBOX_VOLUMES": "~/src:/workspace:ro"})
assert json.loads(cfg.create_body())["HostConfig"]["Mounts"][0]["Source"] == "/h/src"
print("run-tests.sh: installed package OK:", ohsandbox.__file__, "library", ohsandbox.library_version())
EOF
	); then
		:
	else
		echo "run-tests.sh: FAIL: the installed package does not import or work" >&2
		status=1
	fi
fi

if [ $status -eq 0 ]; then
	echo "run-tests.sh: PASS"
else
	echo "run-tests.sh: FAIL" >&2
fi
exit $status
