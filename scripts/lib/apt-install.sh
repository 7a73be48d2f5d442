# Sourced by the install-*.sh scripts: installs Debian packages that are missing, idempotently.
#   ensure_packages <tag> <package>=<executable> ...
# A package counts as present when dpkg has it installed and its executable is on PATH (or in an sbin
# directory). Runs `apt-get update` only when an install fails for want of package lists. Needs root
# or passwordless sudo when something is missing. Returns non-zero, saying why, when it cannot.

have_bin() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

ensure_packages() {
  local tag=$1; shift
  local missing=() spec p b
  for spec in "$@"; do
    p=${spec%%=*}; b=${spec#*=}
    if ! installed "$p" || ! have_bin "$b"; then missing+=("$p"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$tag: installing ${missing[*]}"
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "$tag: apt-get not found; install these Debian packages by other means: ${missing[*]}" >&2
      return 1
    fi
    local SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
      else
        echo "$tag: need root (or passwordless sudo) to install: ${missing[*]}" >&2
        return 1
      fi
    fi
    local APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    # --no-install-recommends: recommends pull in desktop and media packages the tests never use
    if ! "${APT[@]}" install --no-install-recommends "${missing[@]}"; then
      echo "$tag: install failed; refreshing package lists (apt-get update) and retrying"
      "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update
      if ! "${APT[@]}" install --no-install-recommends "${missing[@]}"; then
        echo "$tag: could not install ${missing[*]} with apt-get" >&2
        return 1
      fi
    fi
  fi
  local fail=0
  for spec in "$@"; do
    p=${spec%%=*}; b=${spec#*=}
    if ! have_bin "$b"; then
      echo "$tag: $b (package $p) is still missing" >&2
      fail=1
    fi
  done
  return $fail
}
