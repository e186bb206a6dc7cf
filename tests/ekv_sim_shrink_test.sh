#!/usr/bin/env bash
# ekv-sim shrink, end to end, on a planted bug: it reduces a failing run to fewer
# operations and fault events, and the command it prints reproduces the failure with the
# same trace hash.
set -euo pipefail
sim="$1"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAILED: $*"; exit 1; }

"$sim" shrink --seed 5 --bug follower-read-ts --runs_max 80 >"$work/shrink.txt" 2>"$work/tries.txt" ||
  fail "shrink exited $?: $(cat "$work/shrink.txt" "$work/tries.txt")"
cat "$work/shrink.txt"
read -r ops0 faults0 < <(sed -nE 's/^original: ([0-9]+) operations, ([0-9]+) fault events.*/\1 \2/p' "$work/shrink.txt")
read -r ops1 faults1 < <(sed -nE 's/^smallest: ([0-9]+) operations, ([0-9]+) fault events.*/\1 \2/p' "$work/shrink.txt")
[[ -n "$ops0" && -n "$ops1" ]] || fail "no original/smallest lines"
((ops1 < ops0)) || fail "operations not reduced: $ops0 -> $ops1"
((faults1 < faults0)) || fail "fault events not reduced: $faults0 -> $faults1"
grep -q "fails with: linearizable" "$work/shrink.txt" || fail "the original failure is not named"

command="$(sed -n 's/^reproduce: \.\/ekv sim //p' "$work/shrink.txt")"
[[ -n "$command" ]] || fail "no reproduce command"
# shellcheck disable=SC2086
"$sim" $command >"$work/replay.txt" && rc=0 || rc=$?
[[ "$rc" == 1 ]] || fail "the reproduce command exited $rc, not 1 (a failing check)"
grep -q "reproduced bit for bit" "$work/replay.txt" || fail "the trace hash differs: $(tail -3 "$work/replay.txt")"
grep -q "check linearizable: FAILED" "$work/replay.txt" || fail "the reproduction does not fail linearizability"

"$sim" shrink --seed 2 --duration 2s --workload register >"$work/pass.txt" 2>/dev/null && rc=0 || rc=$?
[[ "$rc" == 1 ]] || fail "shrinking a passing seed exited $rc, not 1"
echo "1 passed, 0 failed"
