# Sourced by setup: daemontools service directories and the svscan that watches them.
# Each directory install/services/NAME/ holds templates (run, log/run, ...) in which @ROOT@, @JAVA_HOME@,
# @SMTP_PORT@, @SMTPS_PORT@, @SUBMISSION_PORT@, @SMTPD_SERVER_PORT@ and @FQDN@ are replaced; it becomes ROOT/supervise/NAME
# and is linked as ROOT/service/NAME. A service whose run script uses a port given as 0 is installed but
# not linked (an old link is removed), so `--smtps-port 0` means "no SMTPS here".
# The services themselves arrive with the programs that need them (qmail-send, qmail-smtpd).

install_services() {  # src root smtp-port fqdn smtps-port submission-port smtpd-server-port
  local t name out file off
  for t in "$1"/install/services/*/; do
    [ -d "$t" ] || continue
    name=$(basename "$t")
    out="$2/supervise/$name"
    off=0
    grep -q '@SMTP_PORT@' "$t/run" && [ "$3" = 0 ] && off=1
    grep -q '@SMTPS_PORT@' "$t/run" && [ "$5" = 0 ] && off=1
    grep -q '@SUBMISSION_PORT@' "$t/run" && [ "$6" = 0 ] && off=1
    grep -q '@SMTPD_SERVER_PORT@' "$t/run" && [ "${7:-0}" = 0 ] && off=1
    d "$out" root root 1755
    while IFS= read -r -d '' file; do
      rel=${file#"$t"}
      mkdir -p "$(dirname "$out/$rel")"
      tmp=$(mktemp)
      sed -e "s|@ROOT@|$2|g" -e "s|@JAVA_HOME@|$JAVA_HOME|g" -e "s|@SMTP_PORT@|$3|g" -e "s|@FQDN@|$4|g" \
        -e "s|@SMTPS_PORT@|$5|g" -e "s|@SUBMISSION_PORT@|$6|g" -e "s|@SMTPD_SERVER_PORT@|${7:-0}|g" \
        "$file" > "$tmp"
      if ! cmp -s "$tmp" "$out/$rel"; then install -m "$(stat -c %a "$file")" "$tmp" "$out/$rel"; fi
      rm -f "$tmp"
    done < <(find "$t" -type f -print0)
    if [ "$off" = 1 ]; then
      if [ -L "$2/service/$name" ]; then rm -f "$2/service/$name"; svc -dx "$out" "$out/log" 2>/dev/null || true; fi
    else
      [ -L "$2/service/$name" ] || ln -s "$out" "$2/service/$name"
    fi
  done
}

svscan_pidfile() { echo "$1/supervise/.svscan.pid"; }

svscan_running() {  # root
  local pf pid
  pf=$(svscan_pidfile "$1")
  [ -f "$pf" ] && pid=$(cat "$pf") && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "svscan $1/service"
}

start_services() {  # root
  if svscan_running "$1"; then echo "svscan already watches $1/service"; return 0; fi
  # svscan in its own session, detached from this terminal, so it outlives setup (as /etc/service's would).
  setsid svscan "$1/service" < /dev/null > /dev/null 2>&1 &
  echo $! > "$(svscan_pidfile "$1")"
  echo "started svscan on $1/service (pid $!)"
}

stop_services() {  # root
  local s pf
  for s in "$1"/service/*; do
    [ -d "$s" ] || continue
    svc -dx "$s" 2>/dev/null || true
    [ -d "$s/log" ] && { svc -dx "$s/log" 2>/dev/null || true; }
  done
  pf=$(svscan_pidfile "$1")
  if svscan_running "$1"; then kill "$(cat "$pf")"; fi
  rm -f "$pf"
  # supervise exits once its service is down; give it a bounded moment.
  for _ in $(seq 100); do
    supervisors_of "$1" | grep -q . || break
    sleep 0.1
  done
  echo "stopped the services of $1"
}

supervisors_of() {  # root: pids of supervise processes working in a service directory of root
  local pid cwd real
  real=$(readlink -f "$1")
  for pid in $(pgrep -x supervise 2>/dev/null); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || continue
    case "$cwd" in "$real"/*) echo "$pid" ;; esac
  done
}
