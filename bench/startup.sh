#!/usr/bin/env bash
# bench/startup.sh ROOT [N]: wall time of the short-lived programs, median of N runs (default 20), with
# the installed launcher (fast-start flags + AOT cache) and with plain `java -cp` (no flags, no cache).
# ROOT is an installed root (./setup --root ROOT --no-start). Run as root. Prints one line per case.
set -euo pipefail
root=$1 n=${2:-20}
work=$(mktemp -d); chmod 755 "$work"; trap 'rm -rf "$work"' EXIT
java=$(sed -n 's/^exec \([^ ]*java\) .*/\1/p' "$root/bin/qmail-local")
cp_of() { sed -n 's/.* -cp \([^ ]*\) .*/\1/p' "$root/bin/$1"; }

median_ms() {  # command...: runs it n times, prints the median wall time in ms
  local i t0 t1 times=()
  for ((i = 0; i < n; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (n + 1) / 2 ))p"
}

printf 'Subject: bench\n\nhello\n' > "$work/msg"
printf 'Fme@example.org\0Tbench@example.org\0\0' > "$work/env"
qq_launcher() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$root/bin/qmail-queue" < "$work/msg" 1< "$work/env"; }
qq_plain() { setpriv --reuid=qmailq --regid=qmail --clear-groups -- "$java" --enable-native-access=ALL-UNNAMED \
  -Djqmail.root="$root" -cp "$(cp_of qmail-local | tr ':' '\n' | grep qmail-queue.jar | head -1):$(cp_of qmail-local | tr ':' '\n' | grep qmail-common.jar | head -1)" \
  org.jqmail.queue.Main < "$work/msg" 1< "$work/env"; }
echo "qmail-queue  launcher+AOT: $(median_ms qq_launcher) ms   plain java: $(median_ms qq_plain) ms   (median of $n)"

home="$work/home"; mkdir -p "$home/Maildir/"{tmp,new,cur}; chown -R nobody "$home"; chmod 700 "$home"
ql_launcher() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$root/bin/qmail-local" -- nobody "$home" nobody '' '' example.org me@example.org ./Maildir/ < "$work/msg"; }
ql_plain() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$java" -Djqmail.root="$root" -cp "$(cp_of qmail-local)" \
  org.jqmail.local.Main -- nobody "$home" nobody '' '' example.org me@example.org ./Maildir/ < "$work/msg"; }
echo "qmail-local  launcher+AOT: $(median_ms ql_launcher) ms   plain java: $(median_ms ql_plain) ms   (median of $n, Maildir delivery)"
