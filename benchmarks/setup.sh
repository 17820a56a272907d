#!/usr/bin/env bash
# Installs the comparison tools the benchmark arms drive, from Debian's apt,
# only when they are missing, so running it twice costs one `command -v` each.
# Debian's Python packages land in /usr/bin/python3's site-packages, which is
# why drive.py is always started with /usr/bin/python3 (not a pyenv shim).
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v gunicorn >/dev/null 2>&1 || missing+=(gunicorn)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/time ] || missing+=(time)
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 -c 'import requests_futures' >/dev/null 2>&1 || missing+=(python3-requests-futures)
  /usr/bin/python3 -c 'import httpbin' >/dev/null 2>&1 || missing+=(python3-httpbin)
else
  missing+=(python3 python3-requests-futures python3-httpbin)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "bench:setup: all tools present (nginx, curl, wrk, gunicorn, redis-server, time, python3-requests-futures, python3-httpbin)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "bench:setup: need root to install: ${missing[*]}" >&2; exit 1
  fi
else
  SUDO=
fi

echo "bench:setup: installing ${missing[*]}"
$SUDO apt-get update -qq
# The Debian nginx package starts a system service on port 80 when a service
# manager is present; policy-rc.d 101 keeps it from starting: ours runs its own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bench:setup: done"
