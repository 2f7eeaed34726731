# Sourced by setup: default control files. Files that exist are never overwritten: they are the
# administrator's. Host-derived values follow qmail's config-fast: me, defaultdomain, plusdomain,
# locals, rcpthosts; the repository's control/ directory supplies the rest (e.g. defaultdelivery).

make_control() {  # root fqdn source-control-dir
  local c=$1/control fqdn=$2 src=$3 name
  put_control() { [ -e "$c/$1" ] || { printf '%s\n' "$2" > "$c/$1"; chmod 644 "$c/$1"; }; }
  put_control me "$fqdn"
  put_control defaultdomain "$(echo "$fqdn" | sed 's/^\([^\.]*\)\.\([^\.]*\)\./\2\./')"
  put_control plusdomain "$(echo "$fqdn" | sed 's/^.*\.\([^\.]*\)\.\([^\.]*\)$/\1.\2/')"
  put_control locals "$fqdn"
  put_control rcpthosts "$fqdn"
  for name in "$src"/*; do
    [ -f "$name" ] || continue
    [ -e "$c/${name##*/}" ] || install -m 644 "$name" "$c/${name##*/}"
  done
}

# The host's fully qualified name, as config-fast wants it; never a DNS lookup that can stall offline.
guess_fqdn() {
  local h
  h=$(timeout 5 hostname -f 2>/dev/null) || h=""
  case "$h" in *.*) ;; *) h=$(hostname 2>/dev/null || echo localhost) ;; esac
  printf '%s\n' "$h"
}
