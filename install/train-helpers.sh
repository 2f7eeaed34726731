# Sourced by the AOT trainers of programs that queue mail (sendmail, qmail-inject, qmail-smtpd): a real
# qmail-queued in the trainer's scratch root, so that the program's AOT cache holds the path it takes in
# production, the socket to qmail-queued (QueueClient), and not only the fallback through a qmail-queue
# program. Without it that path was loaded from the jars at every start: the JDK's Unix-domain sockets
# and the security providers behind their SecureRandom, about 160 classes and 70 ms of sendmail's run.
# The installer sets JQMAIL_TRAIN_QUEUED to qmail-queued's java command for the scratch root.

# training_root ARGS...: the scratch root, from the -Djqmail.root= of a java command line
training_root() {
  local a
  for a in "$@"; do
    case $a in -Djqmail.root=*) echo "${a#-Djqmail.root=}"; return 0 ;; esac
  done
  return 1
}

# start_training_queued ROOT: starts it and waits (at most 10 s) for its socket; false if it cannot
start_training_queued() {
  [ -n "${JQMAIL_TRAIN_QUEUED:-}" ] || return 1
  mkdir -p "$1/queued" || return 1
  # shellcheck disable=SC2086
  $JQMAIL_TRAIN_QUEUED < /dev/null > queued.log 2>&1 &
  training_queued_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [ -S "$1/queued/socket" ] && return 0
    kill -0 "$training_queued_pid" 2>/dev/null || break
    sleep 0.1
  done
  stop_training_queued
  return 1
}

stop_training_queued() {
  [ -n "${training_queued_pid:-}" ] || return 0
  kill "$training_queued_pid" 2>/dev/null || true
  wait "$training_queued_pid" 2>/dev/null || true
  training_queued_pid=""
}

# queued_something ROOT: true if todo/ holds a message (the training run went through the socket)
queued_something() {
  [ -n "$(ls -A "$1/queue/todo" 2>/dev/null)" ]
}
