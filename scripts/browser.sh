#!/usr/bin/env bash
# Makes sure Debian's chromium is installed: the browser tests (tests/browser,
# tests/examples) drive /usr/bin/chromium headless through Playwright, which is
# told to use it and never downloads a browser of its own. Installs it from apt
# when missing (with a font, for a bare machine), refreshing the package lists
# only if the first try fails.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "scripts/browser.sh: /usr/bin/chromium is missing; install Debian's" \
      "chromium package as root (apt-get install chromium)." >&2
    exit 1
  fi
  sudo="sudo"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
install_chromium() {
  $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
    --no-install-recommends chromium fonts-liberation >>"$log" 2>&1
}

echo "Installing Debian's chromium for the browser tests…" >&2
if ! install_chromium; then
  # Package lists absent (a fresh image) or stale: refresh them once, retry.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    -o DPkg::Lock::Timeout=300 >>"$log" 2>&1 &&
    install_chromium || {
    cat "$log" >&2
    echo "scripts/browser.sh: installing chromium failed (output above)." >&2
    exit 1
  }
fi
