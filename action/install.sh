#!/usr/bin/env bash
# The action's install step: put the aims-lint release binary for this runner on PATH, checked
# before it runs, or say that it must be built from source.
#
# 1. Which release: `version` (0.2.0, v0.2.0 or `latest`); by default the action's own version,
#    the `version` of its Cargo.toml, whose release is tag v<version>.
# 2. Which binary: RUNNER_OS and RUNNER_ARCH name the target (aims-lint-<target>.tar.gz).
# 3. Download it and its .sha256 from the action repository's releases (or
#    AIMS_LINT_RELEASES_URL, for a mirror and for the tests). Only a missing archive (HTTP 404:
#    no such release, or none for this platform) falls back to building from source; any
#    other failure stops the step.
# 4. Refuse it unless its SHA-256 is the one published; then, where `gh` is on PATH, unless
#    `gh attestation verify` finds the build provenance of this repository's release workflow.
# 5. Refuse it unless `aims-lint --version` is the version asked for; then add it to PATH.
#
# Outputs (GITHUB_OUTPUT): source=release|build, and version= when installed.
#
# Inputs, from the step's env: ACTION_PATH, ACTION_REPOSITORY, INPUT_VERSION,
# INPUT_VERIFY_ATTESTATION (auto|always|never), GH_TOKEN; and GitHub's own GITHUB_SERVER_URL,
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT.
set -euo pipefail

# Workflow commands take one line: escape what could end it (GitHub's rules for messages).
escape() {
  local s="${1//'%'/%25}"
  s="${s//$'\r'/%0D}"
  printf '%s' "${s//$'\n'/%0A}"
}
fail() {
  echo "::error title=aims-lint install::$(escape "$*")"
  exit 1
}
build_from_source() {
  echo "::notice title=aims-lint install::$(escape "$*"): building aims-lint from source instead (a few minutes; cached per action version)"
  echo "source=build" >> "$GITHUB_OUTPUT"
  exit 0
}
sha256() {
  if command -v sha256sum > /dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}
# GET $1 into the file $2 and set `status` to the HTTP status. curl retries what may pass
# (timeouts, 429, 5xx); a status it does not retry is the caller's to judge.
fetch() {
  status="$(curl --silent --show-error --location --retry 3 --retry-delay 1 \
    --connect-timeout 20 --max-time 300 --output "$2" --write-out '%{http_code}' "$1")" \
    || fail "could not download $1 (curl exit status $?)"
}

own="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$ACTION_PATH/Cargo.toml" | head -n 1)"
requested="${INPUT_VERSION:-}"
case "$requested" in
  "") version="$own" ;;
  latest) version="" ;;
  *) version="${requested#v}" ;;
esac
semver='^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
if [ -n "$version" ] && ! [[ "$version" =~ $semver ]]; then
  fail "version: '$requested' is not a release: give a version such as 0.2.0 or v0.2.0, or latest (default: the action's own, $own)"
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) build_from_source "no release binary is built for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?}" ;;
esac
exe=""
if [ "$RUNNER_OS" = Windows ]; then exe=".exe"; fi
asset="aims-lint-$target.tar.gz"

if [ -n "${AIMS_LINT_RELEASES_URL:-}" ]; then
  releases="${AIMS_LINT_RELEASES_URL%/}"
elif [ -n "${ACTION_REPOSITORY:-}" ]; then
  releases="${GITHUB_SERVER_URL:-https://github.com}/$ACTION_REPOSITORY/releases"
else
  build_from_source "the action is used from a folder (uses: ./…), which has no releases"
fi
case "$releases" in
  https://* | http://127.0.0.1[:/]* | http://localhost[:/]*) ;;
  *) fail "releases must be fetched over https, not from $releases" ;;
esac
if [ -n "$version" ]; then
  tag="v$version"
  url="$releases/download/$tag/$asset"
else
  tag=latest
  url="$releases/latest/download/$asset"
fi

work="${RUNNER_TEMP:?}/aims-lint-install-$tag-$target"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

fetch "$url" "$asset"
case "$status" in
  200) ;;
  404) build_from_source "no release $tag of aims-lint with a binary for $target ($url: HTTP 404)" ;;
  *) fail "downloading $url answered HTTP $status" ;;
esac
fetch "$url.sha256" "$asset.sha256"
if [ "$status" != 200 ]; then
  fail "release $tag has $asset but no checksum file ($url.sha256: HTTP $status): refusing an unverifiable binary"
fi

expected="$(cut -d ' ' -f 1 < "$asset.sha256" | head -n 1)"
if ! [[ "$expected" =~ ^[0-9a-f]{64}$ ]]; then
  fail "$url.sha256 does not hold a SHA-256 digest"
fi
actual="$(sha256 "$asset")"
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $url: the release publishes SHA-256 $expected, the download has $actual; refusing it (download again, or report it if it persists)"
fi
echo "SHA-256 of $asset is the published one: $actual"

provenance="not verified"
mode="${INPUT_VERIFY_ATTESTATION:-auto}"
case "$mode" in
  never) provenance="not verified (verify-attestation: never)" ;;
  auto | always)
    if command -v gh > /dev/null 2>&1 && [ -n "${GH_TOKEN:-}" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
      # Built by this repository's release workflow, on a GitHub-hosted runner, and (unless
      # `latest` was asked for) from the tag of the version asked for.
      source_ref=()
      if [ -n "$version" ]; then source_ref=(--source-ref "refs/tags/$tag"); fi
      gh attestation verify "$asset" --repo "$ACTION_REPOSITORY" \
        --signer-workflow "$ACTION_REPOSITORY/.github/workflows/release.yml" \
        "${source_ref[@]}" --deny-self-hosted-runners \
        || fail "gh attestation verify found no build provenance of $ACTION_REPOSITORY's release workflow for $asset${version:+ at $tag}: refusing it"
      provenance="verified (gh attestation verify)"
    elif [ "$mode" = always ]; then
      fail "verify-attestation: always, but the attestation cannot be verified here (needs gh on PATH, a token and the action's repository)"
    else
      provenance="not verified (no gh on PATH, or no token)"
    fi
    ;;
  *) fail "verify-attestation: '$mode' is not one of auto, always, never" ;;
esac

mkdir unpacked
(cd unpacked && tar -xzf "../$asset")
bin_dir="$work/unpacked/aims-lint-$target"
binary="$bin_dir/aims-lint$exe"
if [ ! -f "$binary" ] || [ -L "$binary" ]; then
  fail "$asset holds no file aims-lint-$target/aims-lint$exe"
fi
got="$("$binary" --version 2> /dev/null)" || fail "the aims-lint of $asset does not run on this runner"
if [ -n "$version" ] && [ "$got" != "aims-lint $version" ]; then
  fail "release $tag holds '$got', not aims-lint $version: refusing it"
fi

echo "$bin_dir" >> "$GITHUB_PATH"
echo "source=release" >> "$GITHUB_OUTPUT"
echo "version=${got#aims-lint }" >> "$GITHUB_OUTPUT"
echo "installed $got for $target from $url (SHA-256 verified; build provenance $provenance)"
