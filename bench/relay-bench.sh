#!/usr/bin/env bash
# bench/relay-bench.sh HOST:PORT DOMAIN SINKPORT N CONCURRENCY: relay throughput. Starts Postfix's
# smtp-sink on 127.0.0.1:SINKPORT (dumping each message into a scratch directory), pushes N 2 KB
# messages to rcpt@DOMAIN into the MTA at HOST:PORT with smtp-source (a new connection per message),
# and waits (bounded, 300 s) until smtp-sink has received all N. The MTA must route DOMAIN to
# 127.0.0.1:SINKPORT (jqmail: control/smtproutes "DOMAIN:127.0.0.1:SINKPORT"; Postfix:
# transport_maps or relayhost = [127.0.0.1]:SINKPORT) and accept relaying from 127.0.0.1.
# Prints accepted_per_s, relayed_per_s and relayed=D/N. Run as root (smtp-sink -u nobody).
set -euo pipefail
hp=$1 domain=$2 sinkport=$3 n=$4 conc=$5
dump=$(mktemp -d); chmod 777 "$dump"
smtp-sink -u nobody -d "$dump/%M." "127.0.0.1:$sinkport" 256 & sink=$!
trap 'kill $sink 2>/dev/null; rm -rf "$dump"' EXIT
sleep 0.5
count() { find "$dump" -type f | wc -l; }
t0=$(date +%s.%N)
timeout 300 smtp-source -m "$n" -s "$conc" -l 2048 -f x@example.test -t "rcpt@$domain" "$hp" >/dev/null || echo "warning: smtp-source failed" >&2
t1=$(date +%s.%N)
deadline=$(( ${t0%.*} + 300 ))
while [ "$(count)" -lt "$n" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
t2=$(date +%s.%N)
got=$(count)
awk -v n="$n" -v got="$got" -v a="$(echo "$t1 - $t0" | bc)" -v d="$(echo "$t2 - $t0" | bc)" \
  'BEGIN { printf "accepted_per_s=%.1f relayed_per_s=%.1f seconds_to_relayed=%.2f relayed=%d/%d\n", n/a, got/d, d, got, n }'
