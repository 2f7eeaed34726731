# Sourced by setup and run-tests: installs the Debian packages a command needs, only when missing.
# Usage: need_packages COMMAND:PACKAGE ...   (e.g. svscan:daemontools tcpserver:ucspi-tcp cc:gcc /usr/sbin/x:pkg)

# A COMMAND of the form perl:Module::Name is present when perl can load that module (swaks's TLS and
# IPv6 come from modules its package only recommends).
need_packages() {
  local pair cmd pkg missing=""
  for pair in "$@"; do
    cmd=${pair%:*} pkg=${pair##*:}
    case $cmd in
      perl:*) perl -M"${cmd#perl:}" -e 1 >/dev/null 2>&1 && continue ;;
      /*) [ -e "$cmd" ] && continue ;;
      *) command -v "$cmd" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "fatal: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
    exit 111
  fi
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || apt-get update
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null || apt-get install -y --no-install-recommends $missing
}
