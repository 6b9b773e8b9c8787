#!/bin/sh
# One-shot command: `ohsandbox run -- /bin/true` against `docker run --rm
# IMAGE /bin/true`, interleaved (alternating which goes first), same image,
# same engine; prints the medians and a ROW line for run.sh.
# Usage: bench/oneshot.sh OHSANDBOX_CLI [N]   (N default 15)
set -eu
cli=${1:?usage: oneshot.sh OHSANDBOX_CLI [N]}
n=${2:-15}
image=${OHS_TEST_IMAGE:-ohs-test:latest}
command -v docker >/dev/null 2>&1 || { echo "# oneshot: docker CLI not installed; skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
ohs() { env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}" "$cli" run -i "$image" -- /bin/true; }
dkr() { docker run --rm "$image" /bin/true; }
one() { # NAME FILE
	t0=$(now_ms)
	"$1" >/dev/null 2>&1 || { echo "oneshot: $1 failed" >&2; exit 1; }
	echo $(($(now_ms) - t0)) >>"$2"
}
ohs >/dev/null 2>&1; dkr >/dev/null 2>&1   # warm-up
i=0
while [ $i -lt "$n" ]; do
	if [ $((i % 2)) -eq 0 ]; then one ohs "$tmp/ohs"; one dkr "$tmp/dkr"
	else one dkr "$tmp/dkr"; one ohs "$tmp/ohs"; fi
	i=$((i + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mo=$(median "$tmp/ohs"); md=$(median "$tmp/dkr")
echo "# oneshot: N=$n, image $image: ohsandbox run median $mo ms (min $(sort -n "$tmp/ohs" | head -n1)), docker run --rm median $md ms (min $(sort -n "$tmp/dkr" | head -n1))"
awk -v o="$mo" -v d="$md" 'BEGIN { r = o / d;
	printf "ROW\tone-shot run -- /bin/true vs docker run --rm (ms)\t%s\t%s (docker)\t%.3fx\t<= 0.90x\t%s\n",
		o, d, r, (r <= 0.90 ? "met" : "MISSED") }'
