/*
 * qmail-queue-shim: bin/qmail-queue, the one setuid program of jqmail (owner qmailq, mode 04711).
 *
 * qmail-queue must be runnable by every local user and write the queue as qmailq, and a JVM must never
 * run setuid (DESIGN.md "qmail-queue's privilege"). So this small program, and only it, is setuid: it
 * makes the real ids equal to the effective ones (qmailq, and the group of the file), so that the exec
 * below is an ordinary one for the dynamic linker and the JVM; remembers the caller's real uid and
 * hands it over in JQMAIL_INVOKER_UID (qmail-queue's Received line and u record, qmail's getuid());
 * replaces the whole environment with PATH and that one variable, so nothing of the caller's reaches
 * the JVM (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, _JAVA_OPTIONS, CLASSPATH, LD_PRELOAD, ...); sets
 * qmail-queue's umask 033; changes to the root (exit 61 if it cannot, as qmail-queue); and execs the
 * java command line the installer baked in. Arguments and the caller's environment are never read.
 *
 * File descriptors are left as they are (message on 0, envelope on 1, fd 2, notqmail's fd 6), except
 * that a closed 0, 1 or 2 is opened on /dev/null, write-only: a JVM would otherwise take the free
 * number for one of its own files (qmail-queue would read the JDK's module image as the message),
 * while a write-only fd fails to read just as a closed one does, so qmail-queue still exits 54.
 *
 * Exit codes are qmail-queue's: 61 (root), 81 (anything else that prevents the start; temporary).
 *
 * The installer compiles it with -I DIR, where DIR/qmail-queue-shim.h defines
 *   QQ_ROOT  the installation root, e.g. "/var/qmail"
 *   QQ_ARGV  the java command as comma-separated string literals: java binary (absolute), JVM flags,
 *            -cp ..., main class.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "qmail-queue-shim.h"

#define EXIT_HOME 61
#define EXIT_BUG 81

static const char *const qq_argv[] = { QQ_ARGV, (const char *) 0 };
static char path[] = "PATH=/usr/bin:/bin";

/* A closed fd 0, 1 or 2 becomes /dev/null opened write-only: reading it fails (EBADF), as reading
 * the closed fd would have, so qmail-queue refuses with 54 instead of queueing an empty message. */
static int ensure_open(int fd)
{
  int null;
  if (fcntl(fd, F_GETFD) != -1) return 0;
  if (errno != EBADF) return -1;
  null = open("/dev/null", O_WRONLY);
  if (null == fd) return 0;
  if (null != -1) close(null);
  return -1;
}

int main(void)
{
  uid_t caller = getuid();
  uid_t euid = geteuid();
  gid_t egid = getegid();
  char invoker[64];
  char *envp[3];
  int fd;

  for (fd = 0; fd <= 2; ++fd)
    if (ensure_open(fd) == -1) _exit(EXIT_BUG);

  /* group first: once the uid has changed, a setregid could no longer be allowed */
  if (setregid(egid, egid) == -1) _exit(EXIT_BUG);
  if (setreuid(euid, euid) == -1) _exit(EXIT_BUG);
  if (getuid() != euid || getgid() != egid) _exit(EXIT_BUG);

  umask(033);
  if (chdir(QQ_ROOT) == -1) _exit(EXIT_HOME);

  if (snprintf(invoker, sizeof invoker, "JQMAIL_INVOKER_UID=%lu", (unsigned long) caller) >= (int) sizeof invoker)
    _exit(EXIT_BUG);
  envp[0] = path;
  envp[1] = invoker;
  envp[2] = (char *) 0;

  execve(qq_argv[0], (char *const *) qq_argv, envp);
  _exit(EXIT_BUG);
}
