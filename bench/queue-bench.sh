#!/usr/bin/env bash
# bench/queue-bench.sh ROOT N [PARALLEL]: inject N 2 KB messages with ROOT/bin/qmail-queue (as nobody,
# PARALLEL at a time, default 4) to one local Maildir owned by a test uid, and wait (bounded) until all
# N are in its new/. ROOT must be installed and its qmail-send service running. Prints
# injected_per_s, delivered_per_s and the median inject-to-delivered latency of a light-load sample.
# Run as root; it adds an =jqbench line to ROOT/users/assign (and runs qmail-newu) if missing.
set -euo pipefail
root=$1 n=$2 par=${3:-4}
uid=64199
host=$(head -n1 "$root/control/me")
home=/tmp/jqbench-home
work=$(mktemp -d); chmod 755 "$work"; trap 'rm -rf "$work"' EXIT
if ! grep -q '^=jqbench:' "$root/users/assign" 2>/dev/null; then
  { grep -v '^\.$' "$root/users/assign" 2>/dev/null || true; echo "=jqbench:jqbench:$uid:$uid:$home:::"; echo .; } > "$work/assign"
  cp "$work/assign" "$root/users/assign"; "$root/bin/qmail-newu"
fi
rm -rf "$home"; mkdir -p "$home/Maildir/"{new,cur,tmp}; chown -R "$uid:$uid" "$home"; chmod 700 "$home"
{ printf 'From: bench@example.org\nTo: jqbench@%s\nSubject: bench\n\n' "$host"; head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 70; echo; } > "$work/msg"
printf 'Fbench@example.org\0Tjqbench@%s\0\0' "$host" > "$work/env"
chmod 644 "$work/msg" "$work/env"
inject() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$root/bin/qmail-queue" < "$work/msg" 1< "$work/env"; }
export -f inject; export root work
count() { find "$home/Maildir/new" -type f | wc -l; }

t0=$(date +%s%N)
seq "$n" | xargs -P "$par" -I{} bash -c inject
t1=$(date +%s%N)
for ((i = 0; i < 6000; i++)); do [ "$(count)" -ge "$n" ] && break; sleep 0.1; done
t2=$(date +%s%N)
got=$(count)
echo "messages=$n delivered=$got parallel=$par"
echo "injected_per_s=$(echo "scale=1; $n * 1000000000 / ($t1 - $t0)" | bc)"
echo "delivered_per_s=$(echo "scale=1; $got * 1000000000 / ($t2 - $t0)" | bc)"
lat=()
for ((i = 0; i < 9; i++)); do
  before=$(count); s=$(date +%s%N); inject
  for ((j = 0; j < 3000; j++)); do [ "$(count)" -gt "$before" ] && break; sleep 0.005; done
  lat+=($(( ($(date +%s%N) - s) / 1000000 )))
done
echo "latency_ms_median=$(printf '%s\n' "${lat[@]}" | sort -n | sed -n 5p) (inject to delivered, 9 single messages)"
