#!/usr/bin/env bash
# Run every fuzz target for a bounded time, seeded from the rule fixtures, the labelled set and
# (if it is there) ../shared/corpus. Usage: fuzz/run.sh [SECONDS-PER-TARGET] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Crashes are kept in
# fuzz/artifacts/<target>/; turn each into a regression test (tests/fuzzed.rs) before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(markdown yaml json suppressions)
fi
seed() { # target, then find(1) name patterns
  local target="$1"; shift
  mkdir -p "seeds/$target" "corpus/$target"
  for dir in ../rules ../tests/labelled ../examples ../../shared/corpus; do
    [ -d "$dir" ] || continue
    find "$dir" -type f \( "$@" \) -size -256k -print0 |
      while IFS= read -r -d '' f; do
        cp "$f" "seeds/$target/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
      done
  done
}
# Build once, then run the binaries themselves: a change to the sources while the targets run
# must not make each of them rebuild (and wait for the others' builds).
cargo +nightly fuzz build
bin="target/x86_64-unknown-linux-gnu/release"
for t in "${targets[@]}"; do
  case "$t" in
    markdown) seed "$t" -name '*.md' ;;
    yaml) seed "$t" -name '*.yaml' -o -name '*.yml' ;;
    json) seed "$t" -name '*.json' ;;
    suppressions) seed "$t" -name '*.md' -o -name '*.yaml' ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  echo "== $t: ${seconds}s, $(find "seeds/$t" -type f | wc -l) seeds"
  mkdir -p "artifacts/$t"
  "$bin/$t" -artifact_prefix="artifacts/$t/" "corpus/$t" "seeds/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1
done
