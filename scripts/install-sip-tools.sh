#!/usr/bin/env bash
# Installs the real SIP peers the SIP tests and the SIP benchmark drive (Debian/Ubuntu packages):
#   sip-tester (SIPp)  baresip (a SIP phone)  kamailio (the reference proxy/registrar)  bc
# Idempotent: installs only what is missing (scripts/lib/apt-install.sh). Prints the versions. Exits non-zero, saying why, when it cannot.
# CI runs it before `npm test`; run it as root (or with passwordless sudo).
set -euo pipefail

. "$(dirname "$0")/lib/apt-install.sh"
before_kamailio=0
installed kamailio || before_kamailio=1
ensure_packages install-sip-tools sip-tester=sipp baresip=baresip kamailio=kamailio bc=bc
# The Debian kamailio package may start a system service on port 5060; the tests and the benchmark
# start their own Kamailio on other ports (the benchmark uses 5060 itself), so stop that one.
if [ "$before_kamailio" = 1 ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet kamailio 2>/dev/null; then
  systemctl stop kamailio 2>/dev/null || sudo -n systemctl stop kamailio || true
  systemctl disable kamailio >/dev/null 2>&1 || sudo -n systemctl disable kamailio >/dev/null 2>&1 || true
fi

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
