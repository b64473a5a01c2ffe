#!/usr/bin/env bash
# Shared by scripts/test.sh and scripts/start.mjs's helpers: install-or-explain steps.

say() { printf 'nurse-station: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}
port_answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
is_root() { [[ "$(id -u)" == 0 ]]; }

require_node() {
  command -v node >/dev/null || die "Node.js 20.19 or newer is needed: sudo apt-get install nodejs (or https://nodejs.org)."
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node.js $(node --version) is too old; 20.19 or newer is needed."
}

ensure_npm_dependencies() {
  # The Electron binary comes from outside the npm registry; the app runs without it (web shell).
  export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
  if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]] &&
    [[ -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]]; then
    return 0
  fi
  say "installing npm dependencies (npm ci; the first time builds better-sqlite3 and takes a few minutes) ..."
  npm ci --no-audit --no-fund || die "npm ci failed — see the messages above (a C++ compiler and python3 are needed for better-sqlite3: sudo apt-get install build-essential python3)."
  touch node_modules/.package-lock.json
}

apt_install() {
  is_root || die "$1 is missing. Install it with: sudo apt-get install -y $1"
  command -v apt-get >/dev/null || die "$1 is missing and this is not a Debian/Ubuntu system: install $1 yourself."
  say "installing $1 from Debian's packages ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null) ||
    die "apt-get install $1 failed."
}

ensure_chromium() {
  command -v chromium >/dev/null || apt_install chromium
}

ensure_postgres() {
  port_answers 127.0.0.1 5432 && return 0
  if command -v pg_ctlcluster >/dev/null && is_root; then
    say "starting PostgreSQL ..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  elif ! command -v psql >/dev/null; then
    apt_install postgresql
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do port_answers 127.0.0.1 5432 && return 0; sleep 1; done
  die "PostgreSQL is not answering on 127.0.0.1:5432 (it stands in for RisingWave in tests). Start it, with trust authentication for user postgres on 127.0.0.1."
}

ensure_mariadb() {
  port_answers 127.0.0.1 3306 && return 0
  if command -v mariadbd >/dev/null && is_root; then
    say "starting MariaDB ..."
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  elif ! command -v mariadbd >/dev/null; then
    apt_install mariadb-server
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  fi
  for _ in $(seq 1 30); do port_answers 127.0.0.1 3306 && return 0; sleep 1; done
  die "MariaDB is not answering on 127.0.0.1:3306 (the tests use root with an empty password). Start it."
}
