#!/usr/bin/env bash
# Rebuild the booth's vendored curve library from the npm registry, or check the committed one.
#
#   scripts/vendor-noble.sh          write src/moot/ballots/static/ballots/vendor/noble-curves.js
#   scripts/vendor-noble.sh --check  rebuild in a temporary directory and compare, byte for byte
#
# In a temporary directory: `npm pack` fetches the exact versions of @noble/curves and
# @noble/hashes, their tarballs' SHA-512 must equal the integrity recorded below (as the registry
# gives it: `npm view @noble/curves@2.4.0 dist.integrity`), then esbuild (a pinned version,
# installed into the temporary directory only: a build-time tool, never shipped) bundles the few
# exports the booth uses into ONE ES module with no imports. The bundle is served by whitenoise
# like every static file; nothing is fetched at run time and no CDN is involved.
set -euo pipefail

CURVES_VERSION=2.4.0
CURVES_INTEGRITY="sha512-P4/62zrgfH33CneE3Dn4WhJVA22YUU0eR51wKIan4NVRvwsA0YnPTwWGpNbpuacSujmSFLvyzpyuR30+fbq2Ew=="
HASHES_VERSION=2.4.0
HASHES_INTEGRITY="sha512-X5XaVWZIBCT7HHZGm5I7ZQXDwLG+bGXuSrMQAW+7Zvl87h1kmc1ZB1VSRJcpUfoUrGQp4Fkoxm5kZ+Ms+aW+eA=="
ESBUILD_VERSION=0.28.2
ESBUILD_INTEGRITY="sha512-HKVLS8dvII+xoKW9kmqxbRKrnWEXfJJr/FZhhJmiqIB0e053QNYFqOBouTMO/k5sID4MvCiUCvv8b9M4h32wIA=="

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/src/moot/ballots/static/ballots/vendor/noble-curves.js"
MODE=${1:-write}
case "$MODE" in write | --check) ;; *) echo "usage: $0 [--check]" >&2; exit 2 ;; esac

command -v npm >/dev/null || { echo "npm is needed (Debian: apt-get install npm)" >&2; exit 3; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# The SHA-512 of a file in npm's integrity form ("sha512-" + base64).
integrity() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

fetch() { # name version expected-integrity -> path of the checked tarball
  local name=$1 version=$2 expected=$3 file
  file=$(npm pack --silent "$name@$version")
  if [ "$(integrity "$file")" != "$expected" ]; then
    echo "integrity mismatch for $name@$version: got $(integrity "$file"), recorded $expected" >&2
    exit 1
  fi
  echo "$WORK/$file"
}

CURVES_TGZ=$(fetch @noble/curves "$CURVES_VERSION" "$CURVES_INTEGRITY")
HASHES_TGZ=$(fetch @noble/hashes "$HASHES_VERSION" "$HASHES_INTEGRITY")
ESBUILD_TGZ=$(fetch esbuild "$ESBUILD_VERSION" "$ESBUILD_INTEGRITY")

# Install from the checked tarballs only. @noble/curves depends on @noble/hashes at exactly
# HASHES_VERSION, which the local tarball satisfies; esbuild brings its platform binary package
# (@esbuild/<os>-<arch>) as an optional dependency, checked by npm against the registry.
cat >package.json <<JSON
{
  "name": "moot-vendor-noble",
  "private": true,
  "dependencies": {
    "@noble/curves": "file:$CURVES_TGZ",
    "@noble/hashes": "file:$HASHES_TGZ",
    "esbuild": "file:$ESBUILD_TGZ"
  }
}
JSON
npm install --silent --no-audit --no-fund --ignore-scripts >/dev/null
for pkg in @noble/curves:"$CURVES_VERSION" @noble/hashes:"$HASHES_VERSION"; do
  name=${pkg%%:*} version=${pkg##*:}
  got=$(node -p "require('./node_modules/$name/package.json').version")
  [ "$got" = "$version" ] || { echo "$name installed as $got, wanted $version" >&2; exit 1; }
done

# What the booth uses: the group (ed25519.Point), the two hashes and byte helpers.
cat >entry.js <<'JS'
export { ed25519 } from "@noble/curves/ed25519.js";
export { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
export { sha256, sha512 } from "@noble/hashes/sha2.js";
export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
JS
node_modules/.bin/esbuild entry.js --bundle --format=esm --target=es2020 --charset=utf8 \
  --legal-comments=inline --log-level=warning --outfile=body.js

BODY_SHA256=$(sha256sum body.js | cut -d' ' -f1)
{
  cat <<HEADER
/*
 * moot's vendored curve library for the voting booth (built by scripts/vendor-noble.sh; do not
 * edit: run the script to rebuild, or with --check to compare).
 *
 *   @noble/curves ${CURVES_VERSION}  MIT License, (c) 2022 Paul Miller (paulmillr.com)
 *     integrity ${CURVES_INTEGRITY}
 *   @noble/hashes ${HASHES_VERSION}  MIT License, (c) 2022 Paul Miller (paulmillr.com)
 *     integrity ${HASHES_INTEGRITY}
 *   bundled by esbuild ${ESBUILD_VERSION} (build time only), ES module, format esm, target es2020
 *
 * Exports: ed25519 (ed25519.Point), sha256, sha512, bytesToHex, hexToBytes, concatBytes,
 * utf8ToBytes, bytesToNumberLE, numberToBytesLE.
 * SHA-256 of the bundle below this comment: ${BODY_SHA256}
 */
HEADER
  cat body.js
} >noble-curves.js

if [ "$MODE" = --check ]; then
  if cmp -s noble-curves.js "$OUT"; then
    echo "ok: $OUT is what the registry's packages build (bundle sha256 $BODY_SHA256)"
  else
    echo "differs: $OUT is not what scripts/vendor-noble.sh builds" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$OUT")"
  cp noble-curves.js "$OUT"
  echo "wrote $OUT ($(wc -c <"$OUT") bytes; bundle sha256 $BODY_SHA256; file sha256 $(sha256sum "$OUT" | cut -d' ' -f1))"
fi
