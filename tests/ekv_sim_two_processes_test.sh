#!/usr/bin/env bash
# The same seed gives the same trace hash in two separate processes of
# ekv-sim (and a different seed a different one): nothing of one process
# (absl::Hash's seed, addresses, the environment) reaches a run.
set -euo pipefail
sim="$1"
hash_of() {
  "$sim" run --seed "$1" --faults all --duration 5s --workload register | sed -n 's/^trace hash: //p'
}
first="$(hash_of 77)"
second="$(ASLR_NOISE=$RANDOM hash_of 77)"
other="$(hash_of 78)"
echo "seed 77: $first / $second; seed 78: $other"
[[ "$first" =~ ^[0-9a-f]{16}$ ]] || { echo "FAILED: no trace hash printed"; exit 1; }
[[ "$first" == "$second" ]] || { echo "FAILED: two processes, two hashes"; exit 1; }
[[ "$first" != "$other" ]] || { echo "FAILED: two seeds, one hash"; exit 1; }
"$sim" run --seed 1 --no_such_flag 1 >/dev/null 2>&1 && rc=0 || rc=$?
[[ "$rc" == 2 ]] || { echo "FAILED: a wrong flag exited $rc, not 2"; exit 1; }
echo "1 passed, 0 failed"
