# Sourced by setup: the qmail users and groups, and the directory tree of ROOT with qmail's owners and
# modes (qmail's hier.c and INSTALL.ids). Every step checks before it changes, so a second run changes
# nothing.

ensure_group() {  # name
  getent group "$1" >/dev/null || groupadd --system "$1"
}

ensure_user() {  # name group home
  getent passwd "$1" >/dev/null && return 0
  useradd --system --gid "$2" --home-dir "$3" --no-create-home --shell /usr/sbin/nologin "$1"
}

# The users qmail's INSTALL.ids creates. Their passwd homes follow qmail's (/var/qmail...), but nothing
# reads them: every root keeps its own alias directory (DESIGN.md "Installed layout").
make_users() {
  ensure_group qmail
  ensure_group nofiles
  ensure_user alias nofiles /var/qmail/alias
  ensure_user qmaild nofiles /var/qmail
  ensure_user qmaill nofiles /var/qmail
  ensure_user qmailp nofiles /var/qmail
  ensure_user qmailq qmail /var/qmail
  ensure_user qmailr qmail /var/qmail
  ensure_user qmails qmail /var/qmail
  # Ours, not qmail's: qmail-authd checks system passwords for SMTP AUTH as qmaila, with the
  # supplementary group shadow given only by its run script (docs/qmail-authd.md).
  ensure_user qmaila nofiles /var/qmail
}

# d PATH OWNER GROUP MODE: a directory with exactly this owner and mode.
d() {
  [ -d "$1" ] || mkdir "$1"
  [ "$(stat -c '%U:%G %a' "$1")" = "$2:$3 $(printf '%o' "$((8#$4))")" ] && return 0
  chown "$2:$3" "$1" && chmod "$4" "$1"
}

# spread DIR: the directories made in DIR from now on go to block groups of their own (ext4's
# "top of a directory hierarchy" flag, chattr +T, for the Orlov allocator). Without it ext4 puts every
# queue directory, and so every queue file, in one block group, and on ext4 without a journal each new
# inode then scans the group's recently deleted inodes one by one (find_inode_bit, recently_deleted):
# with qmail's four short-lived files per message that scan was the largest CPU cost of a busy queue
# (docs/DECISIONS.md, "Queue directories in block groups of their own"). Only new directories move; on
# a file system without the flag (tmpfs, XFS, btrfs) chattr fails and nothing changes.
spread() {
  chattr +T "$1" 2>/dev/null || true
}

# f PATH OWNER GROUP MODE: an existing file gets exactly this owner and mode.
f() {
  [ "$(stat -c '%U:%G %a' "$1")" = "$2:$3 $(printf '%o' "$((8#$4))")" ] && return 0
  chown "$2:$3" "$1" && chmod "$4" "$1"
}

make_tree() {  # root
  local r=$1 dir i
  mkdir -p "$r"
  d "$r" root qmail 0755
  for dir in bin boot control doc lib lib/aot users supervise service; do d "$r/$dir" root qmail 0755; done
  d "$r/alias" alias qmail 2755
  d "$r/queue" qmailq qmail 0750
  spread "$r/queue"
  d "$r/queue/pid" qmailq qmail 0700
  d "$r/queue/intd" qmailq qmail 0700
  d "$r/queue/todo" qmailq qmail 0750
  d "$r/queue/bounce" qmails qmail 0700
  d "$r/queue/mess" qmailq qmail 0750
  d "$r/queue/info" qmails qmail 0700
  d "$r/queue/local" qmails qmail 0700
  d "$r/queue/remote" qmails qmail 0700
  d "$r/queue/lock" qmailq qmail 0750
  for dir in mess info local remote; do spread "$r/queue/$dir"; done
  for ((i = 0; i < QUEUE_SPLIT; i++)); do
    d "$r/queue/mess/$i" qmailq qmail 0750
    d "$r/queue/info/$i" qmails qmail 0700
    d "$r/queue/local/$i" qmails qmail 0700
    d "$r/queue/remote/$i" qmails qmail 0700
  done
  [ -e "$r/queue/lock/tcpto" ] || head -c 1024 /dev/zero > "$r/queue/lock/tcpto"
  f "$r/queue/lock/tcpto" qmailr qmail 0644
  [ -e "$r/queue/lock/sendmutex" ] || : > "$r/queue/lock/sendmutex"
  f "$r/queue/lock/sendmutex" qmails qmail 0600
  [ -p "$r/queue/lock/trigger" ] || mkfifo "$r/queue/lock/trigger"
  f "$r/queue/lock/trigger" qmails qmail 0622
}

# qmail-common's QueueLayout.SPLIT (qmail's conf-split).
QUEUE_SPLIT=23
