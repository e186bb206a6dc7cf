#!/usr/bin/env bash
# Builds and runs every benchmark binary (cc_binary tagged "benchmark"), optionally only
# those whose target name contains FILTER. Extra flags after FILTER go to each binary,
# for example: ./ekv bench raft --benchmark_format=json
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-}"
(($# > 0)) && shift
mapfile -t targets < <(bazel query --noshow_progress 'attr(tags, "benchmark", kind(cc_binary, //...))' 2>/dev/null | grep -F -- "$filter" | sort)
if ((${#targets[@]} == 0)); then
  echo "bench: no benchmark matches '$filter'" >&2
  exit 2
fi
bazel build --noshow_progress "${targets[@]}"
for target in "${targets[@]}"; do
  path="${target#//}"
  path="bazel-bin/${path/://}"
  echo "== $target"
  "$path" "$@"
done
