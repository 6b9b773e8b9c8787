#!/bin/sh
# The main job: build ohsandbox and run a real sandbox on a demo folder
# against a local Docker engine.  Installs what it needs, starts the engine
# when nothing answers, and uses only a locally built image.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OHS_BUILD_DIR:-$top/build}
cd "$top"
scripts/deps.sh build
scripts/build.sh
scripts/engine.sh

demo=${OHS_DEMO_DIR:-$top/build/demo-workspace}
mkdir -p "$demo"
printf 'print("hello from the host")\n' >"$demo/hello.py"
chmod 0777 "$demo"
rm -f "$demo/from-sandbox.txt"

echo "== ohsandbox config (the sandbox this environment describes)"
export SANDBOX_VOLUMES="$demo:/workspace:rw"
export SANDBOX_USER_ID="${SUDO_UID:-$(id -u)}"
export SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1
export AGENT_SERVER_IMAGE_REPOSITORY=ohs-test AGENT_SERVER_IMAGE_TAG=latest
"$build/tools/ohsandbox" config

echo "== ohsandbox run: list the workspace and write a file as uid $SANDBOX_USER_ID"
"$build/tools/ohsandbox" run -- sh -c 'echo "in the sandbox: $(id -u):$(id -g) in $(pwd)"; ls -l; echo written-by-the-sandbox > from-sandbox.txt'
echo "== back on the host"
ls -ln "$demo"
cat "$demo/from-sandbox.txt"
