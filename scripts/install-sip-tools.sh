#!/usr/bin/env bash
# Installs the real SIP peers the SIP tests and the SIP benchmark drive (Debian/Ubuntu packages):
#   sip-tester (SIPp)  baresip (a SIP phone)  kamailio (the reference proxy/registrar)  bc
# Idempotent: installs only what is missing; `apt-get update` only when an install fails for want of
# package lists. Prints the versions. Exits non-zero, saying why, when it cannot.
# CI runs it before `npm test`; run it as root (or with passwordless sudo).
set -euo pipefail

PKGS=(sip-tester baresip kamailio bc)
# package -> the executable that proves it is usable
declare -A BIN=([sip-tester]=sipp [baresip]=baresip [kamailio]=kamailio [bc]=bc)

have_bin() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PKGS[@]}"; do
  if ! installed "$p" || ! have_bin "${BIN[$p]}"; then missing+=("$p"); fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-sip-tools: installing ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-sip-tools: apt-get not found; install these Debian packages by other means: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      echo "install-sip-tools: need root (or passwordless sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # --no-install-recommends: baresip's recommends pull in GStreamer/X11/ffmpeg plugins the tests never use
  if ! "${APT[@]}" install --no-install-recommends "${missing[@]}"; then
    echo "install-sip-tools: install failed; refreshing package lists (apt-get update) and retrying"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update
    if ! "${APT[@]}" install --no-install-recommends "${missing[@]}"; then
      echo "install-sip-tools: could not install ${missing[*]} with apt-get" >&2
      exit 1
    fi
  fi
  # The Debian kamailio package may start a system service on port 5060; the tests and the benchmark
  # start their own Kamailio on other ports (the benchmark uses 5060 itself), so stop that one.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet kamailio 2>/dev/null; then
    "${SUDO[@]}" systemctl stop kamailio || true
    "${SUDO[@]}" systemctl disable kamailio >/dev/null 2>&1 || true
  fi
fi

fail=0
for p in "${PKGS[@]}"; do
  if ! have_bin "${BIN[$p]}"; then
    echo "install-sip-tools: ${BIN[$p]} (package $p) is still missing" >&2
    fail=1
  fi
done
[ "$fail" = 0 ] || exit 1

KAM=$(command -v kamailio || echo /usr/sbin/kamailio)
out() { "$@" 2>&1 || true; } # version commands exit non-zero (sipp -v: 99)
echo "sipp:     $(out sipp -v | sed -n 's/.*\(SIPp v[^ ]*\).*/\1/p' | head -1)"
echo "baresip:  $(out dpkg-query -W -f='${Version}' baresip-core)"
echo "kamailio: $(out "$KAM" -v | sed -n 's/^version: //p' | head -1)"
echo "bc:       $(out bc --version | head -1)"
# the baresip modules the tests load
for m in ctrl_tcp menu account g711 aufile aubridge; do
  if [ ! -f "/usr/lib/baresip/modules/$m.so" ] && [ ! -f "/usr/lib/x86_64-linux-gnu/baresip/modules/$m.so" ]; then
    echo "install-sip-tools: baresip module $m.so not found" >&2
    exit 1
  fi
done
echo "install-sip-tools: ok"
