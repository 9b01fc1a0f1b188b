# Source this file to run the project on a supported Node.js line taken from the npm registry:
#   . scripts/use-node.sh        # Node 24 LTS (what the Docker image runs)
#   . scripts/use-node.sh 22     # Node 22 LTS
# It puts that Node first on PATH (npm itself is the machine's; it runs on whichever node is first)
# and points npm_config_nodedir at the release's own headers, so native addons (better-sqlite3) are
# compiled for the Node that will load them when no prebuilt binary can be fetched. Nothing is
# downloaded from anywhere but the npm registry (see scripts/registry-node.sh).
# The exact releases are pinned here; CI (.ci/run) uses the same ones.
case "${1:-24}" in
  22) CHAT_NODE_VERSION=22.23.5 ;;
  24) CHAT_NODE_VERSION=24.22.3 ;;
  *) echo "use-node: supported lines are 22 and 24" >&2; return 1 2>/dev/null || exit 1 ;;
esac
CHAT_NODE_BIN="$(bash "$(dirname "${BASH_SOURCE[0]}")/registry-node.sh" "$CHAT_NODE_VERSION")" || return 1 2>/dev/null || exit 1
export PATH="$CHAT_NODE_BIN:$PATH"
export npm_config_nodedir="${CHAT_NODE_BIN%/bin}"
export CHAT_NODE_VERSION
