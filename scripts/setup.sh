#!/usr/bin/env bash
# Mote development setup: installs only what is missing, so it is safe to run again.
#
#  - npm ci when node_modules is absent or older than package-lock.json;
#  - Debian packages for the toolchains Mote drives (compiler/toolchain/tools.ts names the same
#    ones): gcc (host runs), g++ (model.h compiles as C++), gcc-arm-none-eabi + libnewlib-arm-none-eabi (firmware, newlib-nano)
#    and qemu-system-arm (QEMU 7.2, mps2-an500); chromium, only for the test that opens the bench
#    HTML report headless (test/bench/html.test.ts). apt-get update runs first, and only when
#    something is missing. Needs root for apt; otherwise prints the command and exits 1.
#
# Usage: scripts/setup.sh [--dry-run]   (--dry-run: report what would be done, change nothing)
set -euo pipefail

cd "$(dirname "$0")/.."
dry_run=0
if [[ "${1:-}" == "--dry-run" ]]; then dry_run=1; fi

say() { echo "setup: $*"; }

# --- Node dependencies -------------------------------------------------------------------
if [[ ! -d node_modules ]]; then
  npm_reason="node_modules is absent"
elif [[ ! -f node_modules/.package-lock.json ]]; then
  npm_reason="node_modules was not installed by npm ci/install"
elif [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm_reason="package-lock.json is newer than node_modules"
else
  npm_reason=""
fi
if [[ -n "$npm_reason" ]]; then
  if ((dry_run)); then say "would run npm ci ($npm_reason)"; else say "npm ci ($npm_reason)"; npm ci; fi
else
  say "node_modules is up to date"
fi

# --- Debian packages ---------------------------------------------------------------------
missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have gcc || missing+=(gcc)
have g++ || missing+=(g++)
have arm-none-eabi-gcc || missing+=(gcc-arm-none-eabi)
# newlib-nano: arm-none-eabi-gcc prints just "nano.specs" when it cannot find the file.
if ! have arm-none-eabi-gcc || [[ ! -f "$(arm-none-eabi-gcc -print-file-name=nano.specs)" ]]; then
  missing+=(libnewlib-arm-none-eabi)
fi
have qemu-system-arm || missing+=(qemu-system-arm)
# Only the HTML report test needs it, at this path (playwright-core's executablePath).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)

if ((${#missing[@]} == 0)); then
  say "toolchains present: $(gcc -dumpfullversion), arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), $(qemu-system-arm --version | head -n 1), chromium"
  exit 0
fi

apt_command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if ((dry_run)); then
  say "would install: ${missing[*]} ($apt_command)"
  exit 0
fi
if [[ "$(id -u)" != "0" ]]; then
  say "missing Debian packages: ${missing[*]}"
  say "run as root: $apt_command"
  exit 1
fi
say "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
say "done"
