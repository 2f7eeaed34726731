#!/usr/bin/env bash
# bench/smtpd-bench.sh ROOT [N] [ROUNDS]: SMTP alone, tcpserver + qmail-smtpd (a JVM per connection)
# against qmail-smtpd-server (one JVM, a thread per connection), both as qmaild on 127.0.0.1, both
# started with the installed launchers of ROOT (their flags and AOT caches) but reading the controls
# of a scratch root made here, and both handing messages to a stand-in qmail-queue (a small C program
# that reads fd 0 and fd 1 to their ends, leaves an empty file in a scratch Maildir/new and exits 0),
# so neither the queue nor delivery is measured. Each round pushes N messages (default 200, one per
# connection, 2 KB) with /work/shared/bench/mta-bench.sh (Postfix's smtp-source) at 1 and at 4
# sessions, A then B; ROUNDS rounds (default 3). Prints each run's accepted_per_s, the medians and
# their ratio. Run as root (tcpserver -u, setpriv); ROOT must be installed (./setup --no-start is
# enough). Touches nothing outside its scratch directory, and stops what it started.
set -euo pipefail
root=${1:?usage: smtpd-bench.sh ROOT [N] [ROUNDS]}
n=${2:-200} rounds=${3:-3}
mta_bench=${MTA_BENCH:-/work/shared/bench/mta-bench.sh}
for p in qmail-smtpd qmail-smtpd-server; do
  [ -x "$root/bin/$p" ] || { echo "no $root/bin/$p: install first" >&2; exit 2; }
done
command -v tcpserver >/dev/null && command -v tcprules >/dev/null || { echo "needs ucspi-tcp" >&2; exit 2; }
[ -x "$mta_bench" ] || { echo "no $mta_bench" >&2; exit 2; }

work=$(mktemp -d /tmp/smtpd-bench.XXXXXX); chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/root/control" "$work/md/new" "$work/md/cur" "$work/md/tmp"
chmod 777 "$work/md/new"
echo bench.example > "$work/root/control/me"
echo bench.example > "$work/root/control/rcpthosts"
printf '127.0.0.1:allow,RELAYCLIENT=""\n:allow\n' | tcprules "$work/root/control/tcp.smtp.cdb" "$work/root/control/tcp.tmp"
chmod -R a+rX "$work/root"

cat > "$work/qq.c" <<'EOF'
/* qmail-queue stand-in: read the message (fd 0) and the envelope (fd 1) to their ends, leave an empty
   file in MD/new so that mta-bench.sh sees the message, exit 0 (queued). */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  static char b[65536];
  char path[4096];
  struct timespec t;
  int fd;
  while (read(0, b, sizeof b) > 0) ;
  while (read(1, b, sizeof b) > 0) ;
  clock_gettime(CLOCK_REALTIME, &t);
  snprintf(path, sizeof path, "%s/new/%ld.%09ld.%d", MD, (long) t.tv_sec, t.tv_nsec, (int) getpid());
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return 53;
  close(fd);
  return 0;
}
EOF
cc -O2 -DMD="\"$work/md\"" -o "$work/qq" "$work/qq.c"
chmod 755 "$work/qq"

# The installed launchers, pointed at the scratch root (the AOT cache does not depend on jqmail.root).
for p in qmail-smtpd qmail-smtpd-server; do
  sed "s|-Djqmail.root=$root |-Djqmail.root=$work/root |" "$root/bin/$p" > "$work/$p"
  chmod 755 "$work/$p"
  grep -q -- "-Djqmail.root=$work/root " "$work/$p" || { echo "cannot retarget $root/bin/$p" >&2; exit 2; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pa=$(free_port); pb=$(free_port)
uid=$(id -u qmaild); gid=$(getent group nofiles | cut -d: -f3)
QMAILQUEUE=$work/qq tcpserver -R -H -l bench.example -x "$work/root/control/tcp.smtp.cdb" -u "$uid" -g "$gid" \
  127.0.0.1 "$pa" "$work/qmail-smtpd" > "$work/a.log" 2>&1 &
pids+=($!)
QMAILQUEUE=$work/qq setpriv --reuid=qmaild --regid=nofiles --clear-groups --inh-caps=+net_bind_service \
  --ambient-caps=+net_bind_service -- "$work/qmail-smtpd-server" -R -H -l bench.example \
  -x "$work/root/control/tcp.smtp.cdb" 127.0.0.1 "$pb" > "$work/b.log" 2>&1 &
pids+=($!)
for port in "$pa" "$pb"; do
  for ((i = 0; i < 100; i++)); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' "$port" 2>/dev/null && break
    sleep 0.1
  done
done

run() {  # port concurrency: accepted_per_s of one mta-bench run
  local out
  out=$("$mta_bench" "127.0.0.1:$1" bench@bench.example "$work/md" "$n" "$2")
  case $out in *"delivered=$n/$n"*) ;; *) echo "incomplete run: $out" >&2 ;; esac
  echo "$out" | sed 's/.*accepted_per_s=\([0-9.]*\).*/\1/'
}
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# warm-up: the server's JIT compiles the session code over its first few hundred connections
run "$pa" 1 >/dev/null; run "$pb" 4 >/dev/null; run "$pb" 1 >/dev/null
echo "N=$n messages per run, one connection each; accepted_per_s (A = tcpserver + qmail-smtpd, B = qmail-smtpd-server)"
for c in 1 4; do
  : > "$work/A$c"; : > "$work/B$c"
  for ((r = 1; r <= rounds; r++)); do
    a=$(run "$pa" "$c"); b=$(run "$pb" "$c")
    echo "$a" >> "$work/A$c"; echo "$b" >> "$work/B$c"
    echo "sessions=$c round=$r A=$a B=$b"
  done
  ma=$(median < "$work/A$c"); mb=$(median < "$work/B$c")
  echo "sessions=$c median A=$ma B=$mb ratio_B/A=$(awk -v a="$ma" -v b="$mb" 'BEGIN{printf "%.1f", b/a}')"
done
if [ -s "$work/b.log" ]; then echo "server log:"; head -n 5 "$work/b.log"; fi
