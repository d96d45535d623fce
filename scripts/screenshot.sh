#!/usr/bin/env bash
# Screenshot a built page as a reader's browser shows it: scripts/screenshot.sh PAGE.html OUT.png [WIDTHxHEIGHT]
set -euo pipefail
page=$(realpath "$1"); out=$2; size=${3:-1280,2400}
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-quic \
  --user-data-dir="$profile" --virtual-time-budget=10000 --hide-scrollbars \
  --window-size="$size" --screenshot="$out" "file://$page" 2>/dev/null
rm -rf "$profile"
echo "$out"
