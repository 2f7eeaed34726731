package org.jqmail.queue.client;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Optional;

/**
 * The few POSIX calls the JDK lacks and {@link QueueClient} needs (pipe2, posix_spawn with file
 * actions, waitpid, read, write, close), bound with the JDK's Foreign Function &amp; Memory API.
 * jnr-posix would do the same but costs about 200 ms more to start (DESIGN.md); the callers are
 * short-lived programs. This class is initialised on the first submission only, so a program that never
 * queues a message pays nothing for it.
 * <p>
 * Start-up is what this class is designed around (measured with an AOT cache: the linker ~8 ms, the
 * first downcall handle ~15 ms, every further call <em>shape</em> ~6 ms, a further handle of a known
 * shape ~1 ms). So the calls use as few shapes as possible: no errno capture (HotSpot installs its
 * signal handlers with SA_RESTART, so pipe I/O and waitpid do not fail with EINTR, and the callers only
 * need "failed"), no fcntl (see {@link QueueClient}), no strerror, posix_spawnattr_setflags declared
 * with an int (a short argument is passed in a full register on x86-64 and aarch64), and an empty
 * sigset_t made by zeroing memory, which is what sigemptyset does in glibc. No lambdas either: each
 * would cost a bootstrap.
 * <p>
 * Linux with glibc (the constants are those of x86-64 and aarch64). The opaque posix_spawn types are
 * allocated with room to spare (glibc: sigset_t 128 bytes, posix_spawnattr_t 336, file actions 80).
 * The JVM needs {@code --enable-native-access=ALL-UNNAMED}, or it prints a warning on first use.
 */
final class Posix {
    static final int O_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    static final long OPAQUE_BYTES = 1024;

    private static final Linker LINKER = Linker.nativeLinker();

    private static final FunctionDescriptor INT_ADDR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor INT_ADDR_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor INT_ADDR_ADDR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor LONG_INT_ADDR_LONG = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);

    private static final MethodHandle PIPE2 = bind("pipe2", INT_ADDR_INT);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = bind("read", LONG_INT_ADDR_LONG);
    private static final MethodHandle WRITE = bind("write", LONG_INT_ADDR_LONG);
    private static final MethodHandle WAITPID = bind("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SPAWN = bind("posix_spawn",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FA_INIT = bind("posix_spawn_file_actions_init", INT_ADDR);
    private static final MethodHandle FA_DESTROY = bind("posix_spawn_file_actions_destroy", INT_ADDR);
    private static final MethodHandle FA_DUP2 = bind("posix_spawn_file_actions_adddup2",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_CLOSE = bind("posix_spawn_file_actions_addclose", INT_ADDR_INT);
    /** glibc 2.34+; without it the open fds are listed and closed one by one. */
    private static final MethodHandle FA_CLOSEFROM = optional("posix_spawn_file_actions_addclosefrom_np", INT_ADDR_INT);
    /** glibc 2.29+; without it the child keeps the caller's working directory. */
    private static final MethodHandle FA_CHDIR = optional("posix_spawn_file_actions_addchdir_np", INT_ADDR_ADDR);
    private static final MethodHandle ATTR_INIT = bind("posix_spawnattr_init", INT_ADDR);
    private static final MethodHandle ATTR_DESTROY = bind("posix_spawnattr_destroy", INT_ADDR);
    private static final MethodHandle ATTR_FLAGS = bind("posix_spawnattr_setflags", INT_ADDR_INT);
    private static final MethodHandle ATTR_SIGMASK = bind("posix_spawnattr_setsigmask", INT_ADDR_ADDR);
    /** The address of {@code char **environ}: the child gets the caller's environment, as with execv. */
    private static final MemorySegment ENVIRON = environSymbol();

    private Posix() {}

    /** pipe2(O_CLOEXEC | {@code flags}): {read end, write end}. */
    static int[] pipe(int flags, Arena arena) throws IOException {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        if (call(PIPE2, fds, O_CLOEXEC | flags) != 0) throw new IOException("cannot create a pipe");
        return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
    }

    /** close(2); errors are ignored (there is nothing a caller could do about them). */
    static void close(int fd) {
        if (fd < 0) return;
        try {
            int r = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2): the number of bytes written, or -1. */
    static long write(int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2): the number of bytes read, 0 at EOF, or -1 (EAGAIN on a non-blocking fd included). */
    static long read(int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** waitpid(pid, &status, 0): the raw wait status; an IOException if there is no such child. */
    static int waitpid(int pid, Arena arena) throws IOException {
        MemorySegment status = arena.allocate(JAVA_INT);
        int r;
        try {
            r = (int) WAITPID.invokeExact(pid, status, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r != pid) throw new IOException("waitpid " + pid + " returned " + r);
        return status.get(JAVA_INT, 0);
    }

    /**
     * posix_spawn(program) with argv {program} and the caller's environment. In the child, the fds
     * of {@code dup2} (pairs: source, target) are moved into place, every other fd above 2 is closed,
     * the working directory becomes {@code cwd} (when the C library can do that), and no signal is
     * blocked (Java threads block SIGQUIT; an exec'd program must not inherit that). The sources must
     * be close-on-exec and numbered above every target. Returns the child's pid, or -errno if it could
     * not be started (glibc reports a failed exec here too).
     */
    static int spawn(String program, int[] dup2, String cwd, Arena arena) throws IOException {
        MemorySegment actions = arena.allocate(OPAQUE_BYTES, 16);
        MemorySegment attr = arena.allocate(OPAQUE_BYTES, 16);
        check("posix_spawn_file_actions_init", call(FA_INIT, actions));
        try {
            check("posix_spawnattr_init", call(ATTR_INIT, attr));
            try {
                fileActions(actions, dup2, cwd, arena);
                MemorySegment noSignals = arena.allocate(OPAQUE_BYTES, 16); // zeroed: the empty sigset_t
                check("posix_spawnattr_setsigmask", call(ATTR_SIGMASK, attr, noSignals));
                check("posix_spawnattr_setflags", call(ATTR_FLAGS, attr, POSIX_SPAWN_SETSIGMASK));
                MemorySegment path = arena.allocateFrom(program);
                MemorySegment argv = arena.allocate(ADDRESS, 2);
                argv.setAtIndex(ADDRESS, 0, path);
                argv.setAtIndex(ADDRESS, 1, MemorySegment.NULL);
                MemorySegment envp = environment(arena);
                MemorySegment pid = arena.allocate(JAVA_INT);
                int r;
                try {
                    r = (int) SPAWN.invokeExact(pid, path, actions, attr, argv, envp);
                } catch (Throwable t) {
                    throw rethrow(t);
                }
                return r == 0 ? pid.get(JAVA_INT, 0) : -r;
            } finally {
                call(ATTR_DESTROY, attr);
            }
        } finally {
            call(FA_DESTROY, actions);
        }
    }

    private static void fileActions(MemorySegment actions, int[] dup2, String cwd, Arena arena) throws IOException {
        int highestTarget = 2;
        for (int i = 0; i < dup2.length; i += 2) {
            int r;
            try {
                r = (int) FA_DUP2.invokeExact(actions, dup2[i], dup2[i + 1]);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            check("posix_spawn_file_actions_adddup2", r);
            highestTarget = Math.max(highestTarget, dup2[i + 1]);
        }
        // Every other fd above 2 is closed: the caller's pipes to qmail-send, its sockets and the JVM's
        // own files are none of qmail-queue's business, and the write end of another session's pipe,
        // inherited here, would keep that session's EOF from arriving. (glibc ignores EBADF here.)
        for (int fd = 3; fd < highestTarget; fd++) {
            if (!isTarget(dup2, fd)) check("posix_spawn_file_actions_addclose", call(FA_CLOSE, actions, fd));
        }
        if (FA_CLOSEFROM != null) {
            check("posix_spawn_file_actions_addclosefrom_np", call(FA_CLOSEFROM, actions, highestTarget + 1));
        } else {
            for (int fd : OpenFds.list()) {
                if (fd > highestTarget) check("posix_spawn_file_actions_addclose", call(FA_CLOSE, actions, fd));
            }
        }
        if (cwd != null && FA_CHDIR != null) {
            check("posix_spawn_file_actions_addchdir_np", call(FA_CHDIR, actions, arena.allocateFrom(cwd)));
        }
    }

    private static boolean isTarget(int[] dup2, int fd) {
        for (int i = 1; i < dup2.length; i += 2) {
            if (dup2[i] == fd) return true;
        }
        return false;
    }

    /** char **environ as it is now; if the C library does not export it, the JVM's copy. */
    private static MemorySegment environment(Arena arena) {
        if (ENVIRON != null) return ENVIRON.get(ADDRESS, 0);
        Map<String, String> env = System.getenv();
        MemorySegment envp = arena.allocate(ADDRESS, env.size() + 1L);
        long i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            envp.setAtIndex(ADDRESS, i++, arena.allocateFrom(e.getKey() + "=" + e.getValue()));
        }
        envp.setAtIndex(ADDRESS, i, MemorySegment.NULL);
        return envp;
    }

    private static int call(MethodHandle h, MemorySegment a) {
        try {
            return (int) h.invokeExact(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle h, MemorySegment a, MemorySegment b) {
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int call(MethodHandle h, MemorySegment a, int b) {
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** For the posix_spawn family, which return an error number instead of setting errno. */
    private static void check(String what, int r) throws IOException {
        if (r != 0) throw new IOException(what + " failed: error " + r);
    }

    /** Downcalls declare Throwable; what they really throw is a RuntimeException or an Error. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    private static MethodHandle bind(String name, FunctionDescriptor d) {
        Optional<MemorySegment> s = LINKER.defaultLookup().find(name);
        if (s.isEmpty()) throw new UnsatisfiedLinkError("no " + name + " in the C library");
        return LINKER.downcallHandle(s.get(), d);
    }

    private static MethodHandle optional(String name, FunctionDescriptor d) {
        Optional<MemorySegment> s = LINKER.defaultLookup().find(name);
        return s.isPresent() ? LINKER.downcallHandle(s.get(), d) : null;
    }

    private static MemorySegment environSymbol() {
        Optional<MemorySegment> s = LINKER.defaultLookup().find("environ");
        return s.isPresent() ? s.get().reinterpret(ADDRESS.byteSize()) : null;
    }
}
