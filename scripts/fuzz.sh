#!/usr/bin/env bash
# scripts/fuzz.sh — long fuzzing campaign over every fuzz target, keeping
# what the fuzzer finds.
#
#   bash scripts/fuzz.sh                      # every target, 10 minutes each
#   FUZZTIME=30s bash scripts/fuzz.sh         # a quick pass
#   bash scripts/fuzz.sh ./redis FuzzDecodeEntry   # one target
#
# Settings (environment):
#   FUZZTIME=10m   how long each target runs
#   JOBS=2         targets fuzzed at the same time
#   WORKERS=1      fuzzing workers per target (go test -parallel)
#   LOG=/tmp/betterauth-fuzz   one log per target, and summary.txt
#   KEEP=1         0: do not copy the corpus into testdata (CI)
#
# `go test -fuzz` keeps the inputs that widen coverage in its cache
# ($GOCACHE/fuzz), where plain `go test` and CI never see them. After each
# target this copies that corpus into the package's testdata/fuzz/<Target>/,
# so `go test ./...` replays it and CI's short fuzz runs start from it.
# Commit the new files. A failing input is written there by go test itself
# and the script exits non-zero once every target has run.
#
# Targets that need PostgreSQL (server FuzzRouteBodies) use the local
# service like the tests do.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZTIME=${FUZZTIME:-10m}
JOBS=${JOBS:-2}
WORKERS=${WORKERS:-1}
LOG=${LOG:-/tmp/betterauth-fuzz}
KEEP=${KEEP:-1}
mkdir -p "$LOG"

if [ $# -eq 2 ]; then
	TARGETS=("$1 $2")
else
	# Every Fuzz function in the module (examples are separate modules).
	mapfile -t TARGETS < <(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^./examples/' | sort |
		while read -r f; do
			for fn in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f"); do
				echo "./$(dirname "${f#./}") $fn"
			done
		done | sed 's#^\./\.$#.#; s#^\./\. #. #')
fi

CACHE=$(go env GOCACHE)/fuzz
MODULE=$(go list -m)

# run PKG TARGET: fuzz one target, then keep its corpus.
run() {
	local pkg=$1 target=$2 out status importpath src dst n
	out="$LOG/$(echo "${pkg#./}" | tr / _).$target.log"
	local start=$SECONDS
	go test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" -parallel "$WORKERS" "$pkg" >"$out" 2>&1
	status=$?
	if [ $status -ne 0 ] && grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out"; then
		# Go's fuzzing engine sometimes reports its own -fuzztime deadline
		# as a failure, with no failing input (seen on short runs). A real
		# failure writes its input to testdata and fails again; retry once.
		mv "$out" "$out.deadline"
		go test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" -parallel "$WORKERS" "$pkg" >"$out" 2>&1
		status=$?
	fi
	importpath=$(go list "$pkg")
	src="$CACHE/$importpath/$target"
	dst="$ROOT/${pkg#./}/testdata/fuzz/$target"
	[ "$pkg" = . ] && dst="$ROOT/testdata/fuzz/$target"
	n=0
	if [ "$KEEP" = 1 ] && [ -d "$src" ]; then
		mkdir -p "$dst"
		for f in "$src"/*; do
			[ -e "$dst/$(basename "$f")" ] || { cp "$f" "$dst/" && n=$((n + 1)); }
		done
	fi
	local execs
	execs=$(grep -o 'execs: [0-9]*' "$out" | tail -1 | awk '{print $2}')
	printf '%s %s: %s after %ds, %s execs, %d new corpus files\n' "$pkg" "$target" \
		"$([ $status -eq 0 ] && echo ok || echo FAILED)" $((SECONDS - start)) "${execs:-?}" "$n" | tee -a "$LOG/summary.txt"
	[ $status -eq 0 ] || tail -40 "$out" >&2
	return $status
}

echo "fuzz: ${#TARGETS[@]} targets, $FUZZTIME each, $JOBS at a time, $WORKERS worker(s) each ($MODULE)" | tee "$LOG/summary.txt"
failed=0
pids=()
for t in "${TARGETS[@]}"; do
	# shellcheck disable=SC2086 # "pkg target"
	run $t &
	pids+=($!)
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || failed=1; done
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || failed=1; done
[ $failed -eq 0 ] && echo "fuzz: all targets clean" || echo "fuzz: some target FAILED (see $LOG)"
exit $failed
