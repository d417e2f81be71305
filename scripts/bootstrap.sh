#!/usr/bin/env bash
# Install what helpmesh needs on a fresh Debian/Ubuntu machine, then make the virtualenv.
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

need_apt=()
want() { dpkg -s "$1" >/dev/null 2>&1 || need_apt+=("$1"); }
if [[ "${HELPMESH_SKIP_APT:-0}" != 1 ]] && command -v apt-get >/dev/null; then
  for pkg in ${HELPMESH_APT_PACKAGES:-}; do want "$pkg"; done
  if ((${#need_apt[@]})); then
    echo "==> apt-get install ${need_apt[*]}"
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv || { echo "python venv failed: apt-get install python3-venv"; exit 1; }
fi
# The stamp covers the extras too: the demo (dev) then the tests (dev,ml) must install ml.
extras=$(tr ', ' '\n\n' <<<"${HELPMESH_EXTRAS:-dev}" | sed '/^$/d' | sort -u | paste -sd, -)
stamp=.venv/.installed-$( (cat pyproject.toml; echo "extras=$extras") | sha1sum | cut -c1-12)
if [[ ! -f $stamp ]]; then
  echo "==> pip install -e .[$extras]"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[$extras]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
