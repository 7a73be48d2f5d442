#!/usr/bin/env bash
# Installs Debian's Chromium, which the portal's browser tests (test/web/e2e) drive with playwright-core.
# Idempotent: installs only what is missing (scripts/lib/apt-install.sh). Prints the version.
# CI runs it before `npm test`; run it as root (or with passwordless sudo).
set -euo pipefail
. "$(dirname "$0")/lib/apt-install.sh"
ensure_packages install-browser chromium=chromium
echo "chromium: $(chromium --version 2>/dev/null || echo '?')"
echo "install-browser: ok"
