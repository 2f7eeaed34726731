#!/usr/bin/env bash
# bench/queued-bench.sh ROOT [ROUNDS] [N] [PARALLEL]: what qmail-queued saves, measured A/B on one
# installed ROOT (./setup --no-start is enough; no qmail-send needed: only injection is timed). Each
# round runs every measurement twice, first without qmail-queued (B: QueueClient spawns bin/qmail-queue,
# the setuid shim and a JVM per message) and then with it (A: started from ROOT/supervise/qmail-queued/run,
# as svscan would), so a loaded machine hurts both sides alike:
#   sendmail   median wall ms of `printf ... | ROOT/bin/sendmail -t` as nobody (9 runs)
#   submit     median wall ms of a JVM making one QueueClient submission as nobody (SubmitOnce, 9 runs),
#              and the median ms inside it from main() to the result
#   rate       messages/s of N submissions, PARALLEL at a time, from one JVM (SubmitOnce N PARALLEL)
# Prints one line per measurement and round, then the medians over rounds and the ratios B/A.
# Run as root from the source tree, after `mvn -pl qmail-queue test-compile` (SubmitOnce is a test
# class). The messages stay in ROOT/queue (use a scratch root: without qmail-send nothing drains it).
set -euo pipefail
root=$1 rounds=${2:-3} n=${3:-200} par=${4:-4}
src=$(cd "$(dirname "$0")/.." && pwd)
java=$(sed -n 's|^exec \([^ ]*/bin/java\) .*|\1|p' "$root/bin/qmail-inject")
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto --enable-native-access=ALL-UNNAMED"
work=$(mktemp -d); chmod 755 "$work"
# a copy of SubmitOnce, so that a rebuild of the module during the run cannot take it away
mkdir -p "$work/classes/org/jqmail/queue/client"
cp "$src"/qmail-queue/target/test-classes/org/jqmail/queue/client/SubmitOnce*.class "$work/classes/org/jqmail/queue/client/"
chmod -R a+rX "$work/classes"
cp="$root/lib/qmail-queue-0.1.0-SNAPSHOT.jar:$root/lib/qmail-common-0.1.0-SNAPSHOT.jar:$work/classes"
daemon=""
stop_daemon() { if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; daemon=""; fi; }
trap 'stop_daemon; rm -rf "$work"' EXIT
start_daemon() {
  (cd "$root/supervise/qmail-queued" && exec ./run) > "$work/queued.log" 2>&1 &
  daemon=$!
  for _ in $(seq 300); do grep -q 'listening on' "$work/queued.log" && return 0; sleep 0.05; done
  echo "qmail-queued did not start:"; cat "$work/queued.log"; exit 1
}
nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- env -i PATH=/usr/bin:/bin "$@"; }
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

measure() {  # mode: prints "mode sendmail_ms submit_wall_ms submit_inner_ms rate"
  local s i sm=() sw=() si=() out rate
  for ((i = 0; i < 9; i++)); do
    s=$(now); printf 'To: bob@example.net\nSubject: bench\n\nhi\n' | nobody "$root/bin/sendmail" -t; sm+=($(( ($(now) - s) / 1000000 )))
    s=$(now); out=$(nobody "$java" $flags -Djqmail.root="$root" -cp "$cp" org.jqmail.queue.client.SubmitOnce bench)
    sw+=($(( ($(now) - s) / 1000000 ))); si+=($(echo "$out" | cut -d' ' -f3))
  done
  rate=$(nobody "$java" $flags -Djqmail.root="$root" -cp "$cp" org.jqmail.queue.client.SubmitOnce bench "$n" "$par" | sed 's|.*: \(.*\)/s|\1|')
  echo "$1 $(printf '%s\n' "${sm[@]}" | median) $(printf '%s\n' "${sw[@]}" | median) $(printf '%s\n' "${si[@]}" | median) $rate"
}

echo "# mode sendmail_ms submit_wall_ms submit_inner_ms msgs_per_s(N=$n, P=$par)"
for ((r = 1; r <= rounds; r++)); do
  stop_daemon; measure B-cli | tee -a "$work/results"
  start_daemon; measure A-queued | tee -a "$work/results"
done
stop_daemon
for m in B-cli A-queued; do
  printf '%s medians:' "$m"
  for col in 2 3 4 5; do printf ' %s' "$(awk -v m="$m" -v c="$col" '$1 == m {print $c}' "$work/results" | median)"; done
  echo
done
b=($(for col in 2 3 4 5; do awk -v c="$col" '$1 == "B-cli" {print $c}' "$work/results" | median; done))
a=($(for col in 2 3 4 5; do awk -v c="$col" '$1 == "A-queued" {print $c}' "$work/results" | median; done))
echo "ratios (cli/queued for times, queued/cli for rate): sendmail $(echo "scale=2; ${b[0]} / ${a[0]}" | bc)" \
  "submit_wall $(echo "scale=2; ${b[1]} / ${a[1]}" | bc) submit_inner $(echo "scale=2; ${b[2]} / ${a[2]}" | bc)" \
  "rate $(echo "scale=2; ${a[3]} / ${b[3]}" | bc)"
