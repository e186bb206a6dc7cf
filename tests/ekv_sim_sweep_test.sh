#!/usr/bin/env bash
# ekv-sim sweep and merge, end to end: shards partition the seeds, their merge equals
# the whole sweep seed for seed (same trace hashes), every seed's line names the command
# that replays it, and wrong flags exit 2.
set -euo pipefail
sim="$1"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAILED: $*"; exit 1; }

"$sim" sweep --seeds 10..29 --jobs 2 --duration 3s --workload register --out "$work/all.jsonl" >"$work/all.txt" 2>&1 ||
  fail "the whole sweep failed: $(cat "$work/all.txt")"
for k in 0 1 2; do
  "$sim" sweep --seeds 10..29 --shard "$k/3" --jobs 1 --duration 3s --workload register \
    --out "$work/shard$k.jsonl" >/dev/null 2>&1 || fail "shard $k failed"
done
[[ "$(wc -l <"$work/all.jsonl")" == 20 ]] || fail "the sweep wrote $(wc -l <"$work/all.jsonl") lines, not 20"
cat "$work"/shard*.jsonl | wc -l | grep -qx 20 || fail "the shards do not cover 20 seeds"

# Seed and hash, sorted: the shards together must equal the whole sweep.
pairs() { sed -E 's/^\{"seed":([0-9]+),.*"trace_hash":"([0-9a-f]{16})".*$/\1 \2/' "$@" | sort -n; }
diff <(pairs "$work/all.jsonl") <(pairs "$work"/shard*.jsonl) || fail "shards and the whole sweep disagree"
grep -qE '"replay":"./ekv sim replay --seed 10 --duration 3s --workload register --expect_hash [0-9a-f]{16}"' "$work/all.jsonl" ||
  fail "no replay command for seed 10"

"$sim" merge "$work"/shard*.jsonl >"$work/merge.txt" || fail "merge: $(cat "$work/merge.txt")"
grep -q "seeds: 20 run, 20 passed" "$work/merge.txt" || fail "merge summary: $(cat "$work/merge.txt")"
grep -q "result: PASS" "$work/merge.txt" || fail "merge did not pass"

for bad in "--seeds 5..1" "--seeds 1..3 --shard 3/3" "--seeds 1..3 --jobs 0" \
           "--seeds 1..3 --no_such_flag 1" "--seed 4" "--seeds 1..3 --seed_timeout 20"; do
  # shellcheck disable=SC2086
  "$sim" sweep $bad >/dev/null 2>&1 && rc=0 || rc=$?
  [[ "$rc" == 2 ]] || fail "'sweep $bad' exited $rc, not 2"
done
echo "not json" >"$work/bad.jsonl"
"$sim" merge "$work/bad.jsonl" >/dev/null 2>"$work/err.txt" && rc=0 || rc=$?
[[ "$rc" == 2 ]] || fail "merging a malformed file exited $rc, not 2"
grep -q "bad.jsonl:1" "$work/err.txt" || fail "the merge error does not name the line"
echo "1 passed, 0 failed"
