# Sourced by setup: installs every program that a module declares in src/main/install/programs.
# A line there is `NAME MAIN-CLASS MODE [daemon|interpreted]`: MODE is the octal mode of bin/NAME
# (owner root, group qmail, as qmail's hier.c), or `shim` for qmail-queue's setuid shim; `daemon`
# marks a long-running program (its own heap sizes, below), `interpreted` one that runs without a
# JIT compiler (below). Nothing here names a program: a new module
# with a programs file is installed without editing this file.

# JVM flags of every launcher (DESIGN.md "Start-up cost is the performance budget"). The two -Xlog
# flags keep a missing or stale AOT cache (after a JDK upgrade, before ./setup is run again) from
# printing errors into a program's output, which for qmail-local is a delivery report.
# -Xmn: SerialGC sizes the young generation from the machine's RAM (a third of an initial heap of 1/64
# of it), and every JVM touches all of its eden before the first collection: ~120 MB of resident
# memory per warm qmail-local worker or daemon on a 24 GB machine, for nothing. A small fixed young
# generation keeps each at ~50 MB with the same throughput (docs/DECISIONS.md).
# -Xms (daemons): the initial heap is also 1/64 of the RAM, 370 MB of it old generation that promoted
# garbage fills page by page before the first full collection, so a daemon's resident memory crept up
# for hours under load; with 32 MB the old generation starts at 16 MB and grows only for live data.
# C1 only for the daemons too: C2's compilations cost more on two cores than its code gains back
# (measured, docs/DECISIONS.md "The daemons run C1 only").
# useNativeAccessorOnly (one-message programs): core reflection's first call spins method-handle
# classes at run time (JEP 416), which no AOT cache holds; the JDK's SecureRandom lookup, which every
# Unix-domain socket's first use runs, took 10 ms with them and 7 without (measured, docs/DECISIONS.md).
SHORT_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn8m -XX:-UsePerfData -Xlog:aot=off -Xlog:cds=off -Djdk.reflect.useNativeAccessorOnly=true"
# java.nio.channels.spi.SelectorProvider (one-message programs): the first socket channel looks its
# provider up as a service on the class path, opening every jar that the AOT cache had kept closed
# (~2 ms of sendmail's ~40); the property names the JDK's own default (Linux: epoll), a public class
# that the lookup instantiates itself, so the jars stay closed. Documented in SelectorProvider.provider().
# Named only when the JDK has that class: a name it lacks would make every first socket channel fail.
SELECTOR_PROVIDER=sun.nio.ch.EPollSelectorProvider
selector_provider_flag() {  # prints the -D flag, or nothing when $JAVA_HOME has no such class
  if "$JAVA_HOME/bin/jimage" list --include "regex:.*/${SELECTOR_PROVIDER//.//}\\.class" \
      "$JAVA_HOME/lib/modules" 2>/dev/null | grep -q "${SELECTOR_PROVIDER##*.}"; then
    echo "-Djava.nio.channels.spi.SelectorProvider=$SELECTOR_PROVIDER"
  fi
}
# interpreted (sendmail, qmail-inject): one message per run whose body is copied in bulk, so the
# interpreter alone is faster than C1 with its compiler thread, set-up and compilations: sendmail
# 43 -> 40 ms (p50 of 60, alternating). A header of 900 KB costs 100-140 ms instead of 55-85: the
# header is parsed byte by byte (docs/DECISIONS.md, "sendmail without a JIT").
INTERPRETED_FLAGS=${SHORT_FLAGS/-XX:TieredStopAtLevel=1/-Xint}
DAEMON_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmn16m -XX:-UsePerfData -Xlog:aot=off -Xlog:cds=off"
# jnr-posix (long-running programs) uses sun.misc.Unsafe; FFM (qmail-queue's client) needs native access.
NATIVE_FLAGS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"

# The modules of the build are those the root pom.xml lists; a directory it does not list is not part of
# the build, and nothing of it is installed. JQMAIL_SKIP_UNBUILT=1 (for developers testing one module in
# a tree where others are half-written) passes over a listed module whose jar has not been built.
program_modules() {  # src: prints the module directories that declare programs
  local m
  for m in $(sed -n 's|^ *<module>\([^<]*\)</module>.*|\1|p' "$1/pom.xml"); do
    [ -f "$1/$m/src/main/install/programs" ] || continue
    if [ -n "${JQMAIL_SKIP_UNBUILT:-}" ] && [ ! -f "$1/$m/target/$m.jar" ]; then
      echo "warning: $m is not built; not installed (JQMAIL_SKIP_UNBUILT)" >&2
      continue
    fi
    echo "$1/$m"
  done
}

# copy_if_changed SRC DEST MODE: keeps DEST (and its mtime, which AOT caches check) when equal.
copy_if_changed() {
  if ! cmp -s "$1" "$2"; then install -m "$3" -o root -g qmail "$1" "$2"; fi
}

# A dependency that is one of our own modules is taken from that module's own target/, not from the
# copy in another module's target/lib: after a partial rebuild that copy may be older, and the last
# module copied would win.
built_jar() {  # src lib-jar: prints the jar to install for lib-jar
  local base=${2##*/} name
  name=${base%-*-SNAPSHOT.jar}
  [ "$name" != "$base" ] || name=${base%-*.jar}
  if [ -f "$1/$name/target/$name.jar" ]; then echo "$1/$name/target/$name.jar"
  elif [ -f "$1/$name/target/$base" ]; then echo "$1/$name/target/$base"
  else echo "$2"; fi
}

install_jars() {  # src root
  local m jar
  for m in $(program_modules "$1") "$1/qmail-common"; do
    jar="$m/target/${m##*/}.jar"
    [ -f "$jar" ] || { echo "fatal: $jar is missing: build first (mvn -DskipTests package)" >&2; exit 111; }
    copy_if_changed "$jar" "$2/lib/${m##*/}.jar" 0644
    if [ -d "$m/target/lib" ]; then
      for jar in "$m"/target/lib/*.jar; do copy_if_changed "$(built_jar "$1" "$jar")" "$2/lib/${jar##*/}" 0644; done
    fi
  done
}

classpath_of() {  # module root: the module's jar, then its runtime dependencies, as installed
  local m=$1 cp="$2/lib/${1##*/}.jar" jar
  if [ -d "$m/target/lib" ]; then
    for jar in $(ls "$m/target/lib" | sort); do cp="$cp:$2/lib/$jar"; done
  fi
  echo "$cp"
}

java_command() {  # name main kind classpath root aotflag: one line of words
  local flags
  case $3 in
    daemon) flags=$DAEMON_FLAGS ;;
    interpreted) flags="$INTERPRETED_FLAGS${SELECTOR_FLAG:+ $SELECTOR_FLAG}" ;;
    *) flags="$SHORT_FLAGS${SELECTOR_FLAG:+ $SELECTOR_FLAG}" ;;
  esac
  echo "$JAVA_HOME/bin/java $flags $NATIVE_FLAGS $6 -Djqmail.root=$5 -cp $4 $2"
}

# A launcher is a shell script, and sh must read a script to run it: where hier.c gives a binary
# execute-only bits (0711), the launcher gets read with execute (0755). Nothing in it is secret.
launcher_mode() {  # octal mode
  local m=$1 out="" i c
  for ((i = 0; i < ${#m}; i++)); do
    c=${m:i:1}
    [ "$i" -gt 0 ] && [ $(( c & 1 )) = 1 ] && c=$(( c | 4 ))
    out="$out$c"
  done
  echo "$out"
}

write_launcher() {  # root name mode command
  local tmp
  tmp=$(mktemp)
  printf '#!/bin/sh\n# %s: written by jqmail'"'"'s installer (./setup); change the installer, not this file.\nexec %s "$@"\n' \
    "$2" "$4" > "$tmp"
  copy_if_changed "$tmp" "$1/bin/$2" "$(launcher_mode "$3")"
  f "$1/bin/$2" root qmail "$(launcher_mode "$3")"
  rm -f "$tmp"
}

# The setuid shim of DESIGN.md "qmail-queue's privilege": C compiled here, the java command baked in.
install_shim() {  # src-module root command
  local dir words w
  dir=$(mktemp -d)
  {
    printf '#define QQ_ROOT "%s"\n#define QQ_ARGV' "$2"
    read -r -a words <<< "$3"
    local sep=" "
    for w in "${words[@]}"; do printf '%s"%s"' "$sep" "$w"; sep=", "; done
    printf '\n'
  } > "$dir/qmail-queue-shim.h"
  cc -O2 -Wall -Wextra -Werror -I "$dir" -o "$dir/qmail-queue" "$1/src/main/c/qmail-queue-shim.c"
  if ! cmp -s "$dir/qmail-queue" "$2/bin/qmail-queue"; then
    install -m 0711 "$dir/qmail-queue" "$2/bin/qmail-queue"
  fi
  # chown clears the setuid bit, so owner first, then mode (qmail's hier.c: qmailq, qmail, 04711).
  f "$2/bin/qmail-queue" qmailq qmail 4711
  rm -rf "$dir"
}

# train_aot MODULE NAME MAIN KIND CLASSPATH ROOT SCRATCH: an AOT cache for NAME, made again only when a
# jar of its class path is newer than the cache or the cache is missing.
train_aot() {
  local m=$1 name=$2 aot="$6/lib/aot/$2.aot" jar stale=0 cmd
  [ -f "$aot" ] || stale=1
  for jar in ${5//:/ }; do [ "$jar" -nt "$aot" ] && stale=1; done
  [ "$stale" = 1 ] || return 0
  rm -f "$aot"
  cmd=$(java_command "$name" "$3" "$4" "$5" "$7" "-XX:AOTCacheOutput=$aot.tmp")
  local trainer="$m/src/main/install/train-$name" work
  work=$(mktemp -d)
  # For trainers that queue mail: qmail-queued for the scratch root (install/train-helpers.sh).
  JQMAIL_TRAIN_HELPERS="$(dirname "$m")/install/train-helpers.sh"
  JQMAIL_TRAIN_QUEUED=$(java_command qmail-queued org.jqmail.queue.Queued daemon \
    "$(classpath_of "$(dirname "$m")/qmail-queue" "$6")" "$7" "")
  export JQMAIL_TRAIN_HELPERS JQMAIL_TRAIN_QUEUED
  # shellcheck disable=SC2086
  if [ -x "$trainer" ]; then
    (cd "$work" && "$trainer" $cmd) > "$work.log" 2>&1 || echo "warning: AOT training of $name failed (see $work.log)" >&2
  else
    (cd "$work" && $cmd < /dev/null) > "$work.log" 2>&1 || true
  fi
  if [ -s "$aot.tmp" ]; then
    mv "$aot.tmp" "$aot"; chmod 0644 "$aot"; rm -f "$work.log"
  else
    rm -f "$aot.tmp"; echo "warning: no AOT cache for $name; it will start slower (see $work.log)" >&2
  fi
  rm -rf "$work"
}

# A module's src/main/install/boot/NAME becomes ROOT/boot/NAME (qmail's boot/home and friends), with
# @ROOT@ replaced: the qmail-start command lines an administrator can choose from.
install_boot() {  # src root
  local m file tmp
  for m in $(program_modules "$1"); do
    for file in "$m"/src/main/install/boot/*; do
      [ -f "$file" ] || continue
      tmp=$(mktemp)
      sed -e "s|@ROOT@|$2|g" "$file" > "$tmp"
      copy_if_changed "$tmp" "$2/boot/${file##*/}" 0755
      rm -f "$tmp"
    done
  done
}

# The programs declared by every module, one line each: MODULE NAME MAIN MODE KIND.
declared_programs() {  # src
  local m name main mode kind
  for m in $(program_modules "$1"); do
    while read -r name main mode kind; do
      case "$name" in ''|'#'*) continue ;; esac
      echo "$m $name $main $mode ${kind:-}"
    done < "$m/src/main/install/programs"
  done
}

install_programs() {  # src root
  local src=$1 root=$2 m name main mode kind cp scratch aotflag running=0 max
  install_jars "$src" "$root"
  SELECTOR_FLAG=$(selector_provider_flag) # java_command's, once per install
  scratch=$(mktemp -d)
  make_tree "$scratch" >/dev/null
  cp -p "$root"/control/* "$scratch/control/" 2>/dev/null || true
  # AOT training runs side by side, one per core, each in its own copy of the scratch root (a trainer
  # may write control files there): on two cores this halves the time of an install.
  max=$(nproc 2>/dev/null || echo 2)
  while read -r m name main mode kind; do
    cp=$(classpath_of "$m" "$root")
    (
      own=$(mktemp -d)
      cp -a "$scratch/." "$own/"
      train_aot "$m" "$name" "$main" "$kind" "$cp" "$root" "$own"
      rm -rf "$own"
    ) &
    running=$((running + 1))
    if [ "$running" -ge "$max" ]; then wait -n || true; running=$((running - 1)); fi
  done < <(declared_programs "$src")
  wait
  while read -r m name main mode kind; do
    cp=$(classpath_of "$m" "$root")
    aotflag=""
    [ -f "$root/lib/aot/$name.aot" ] && aotflag="-XX:AOTCache=$root/lib/aot/$name.aot"
    if [ "$mode" = shim ]; then
      install_shim "$m" "$root" "$(java_command "$name" "$main" "$kind" "$cp" "$root" "$aotflag")"
    else
      write_launcher "$root" "$name" "$mode" "$(java_command "$name" "$main" "$kind" "$cp" "$root" "$aotflag")"
    fi
  done < <(declared_programs "$src")
  rm -rf "$scratch"
  install_boot "$src" "$root"
}
