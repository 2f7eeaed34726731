# Sourced by setup, run-tests and .ci/run: sets JAVA_HOME to a JDK >= 25 (DESIGN.md "Toolchain").
# A JAVA_HOME that already points at one is honoured; otherwise the newest one under /usr/lib/jvm wins.

jdk_feature_version() {  # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local v best="" bestv=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jdk_feature_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    v=$(jdk_feature_version "$d")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

use_jdk() {
  local jdk
  jdk=$(find_jdk) || { echo "fatal: no JDK 25 or newer found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; exit 111; }
  export JAVA_HOME=$jdk
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven 3.8's own Guava calls sun.misc.Unsafe; JDK 25 warns unless told this is allowed.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}
