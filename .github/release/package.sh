#!/usr/bin/env bash
# Package one release binary: aims-lint-TARGET.tar.gz (a folder aims-lint-TARGET with the
# binary, README.md and LICENSE) and aims-lint-TARGET.tar.gz.sha256 (`sha256sum` format, so
# that `sha256sum -c` checks it). Used by .github/workflows/release.yml on every platform
# (bash is there on Windows runners too), and by tests/action.rs to make the release the
# action's install step downloads in the test.
#
# Usage: package.sh BINARY TARGET OUT_DIR
set -euo pipefail
if [ "$#" -ne 3 ]; then
  echo "usage: $0 BINARY TARGET OUT_DIR" >&2
  exit 2
fi
binary="$1" target="$2" out="$3"
root="$(cd "$(dirname "$0")/../.." && pwd)"
name="aims-lint-$target"
exe=""
case "$target" in *windows*) exe=".exe" ;; esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$out"
cp "$binary" "$stage/$name/aims-lint$exe"
chmod 755 "$stage/$name/aims-lint$exe"
cp "$root/README.md" "$root/LICENSE" "$stage/$name/"

# Relative names only: GNU tar on Windows reads `D:\…` as a remote host.
out="$(cd "$out" && pwd)"
(cd "$stage" && tar -czf "$name.tar.gz" "$name")
mv "$stage/$name.tar.gz" "$out/"
if command -v sha256sum >/dev/null 2>&1; then
  digest="$(cd "$out" && sha256sum "$name.tar.gz")"
else
  digest="$(cd "$out" && shasum -a 256 "$name.tar.gz")"
fi
echo "${digest%% *}  $name.tar.gz" > "$out/$name.tar.gz.sha256"
echo "$out/$name.tar.gz"
