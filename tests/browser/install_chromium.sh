#!/usr/bin/env bash
# Chromium and its driver for the browser test: found on PATH, else installed from the
# distribution's packages when this is Debian or Ubuntu and we may (root), else one line
# saying what to install.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
browser_ready() {
  { have chromium || have chromium-browser || have google-chrome; } &&
    { have chromedriver || have chromium.chromedriver; }
}

browser_ready && exit 0
install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || return 1
  # Debian names the driver chromium-driver; Ubuntu ships both in chromium-browser.
  apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 ||
    apt-get install -y -qq chromium-browser >/dev/null 2>&1
}
if [ "$(id -u)" = 0 ] && have apt-get; then
  echo "Installing Chromium and ChromeDriver from the distribution's packages..."
  install_packages && browser_ready && exit 0
fi
echo "The browser test needs Chromium and ChromeDriver: install them (Debian: apt-get install chromium chromium-driver; Ubuntu: apt-get install chromium-browser; macOS: brew install --cask chromium chromedriver) and run make test-browser again." >&2
exit 1
