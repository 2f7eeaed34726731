package org.jqmail.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Starts programs from a JVM, which cannot fork: pipes, posix_spawnp with the child's descriptors placed
 * exactly, waitpid, and reading a child's output. This is what qmail's spawners do with fork, fd_move and
 * wait_pid; it knows nothing of any one program (qmail-start, qmail-lspawn, qmail-rspawn and qmail-send
 * use it).
 * <p>
 * Guarantees, because the programs started run as other users (a recipient's .qmail programs among
 * them): a child gets exactly the descriptors it is given, as 0, 1, 2, ..., and nothing else (every
 * descriptor we create is close-on-exec, and the spawn closes every other descriptor from N up with
 * posix_spawn_file_actions_addclosefrom_np, so the JVM's own files and other deliveries' pipes never leak);
 * its signal mask is empty and every signal has its default action (a JVM blocks and ignores some); its
 * argv and environment are the exact bytes given (jnr's String conversion would re-encode 8-bit
 * addresses as UTF-8).
 * <p>
 * jnr-posix is loaded here, so only long-running programs may use this class (DESIGN.md).
 */
public final class Spawner {
    /** The libc calls jnr-posix does not offer with byte-exact arguments. */
    public interface LibC {
        int pipe2(@Out int[] fds, int flags);

        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

        int posix_spawn_file_actions_addclose(Pointer actions, int fd);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

        int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

        int sigemptyset(Pointer set);

        int sigfillset(Pointer set);

        int posix_spawnp(IntByReference pid, Pointer file, Pointer actions, Pointer attr, Pointer argv, Pointer envp);
    }

    /** The status of a file opened with {@link #openRead}: its type and owner, from fstat. */
    public record Stat(boolean regular, int uid) {}

    // glibc's values (spawn.h); Linux only, as setpriv is.
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int EINTR = 4;
    /** Generous upper bounds of glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336), sigset_t (128). */
    private static final int ACTIONS_SIZE = 512;
    private static final int ATTR_SIZE = 1024;
    private static final int SIGSET_SIZE = 256;

    private static final int O_CLOEXEC = OpenFlags.O_CLOEXEC.intValue();
    private static final int O_RDONLY = OpenFlags.O_RDONLY.intValue();

    private final LibC libc;
    private final Runtime runtime;
    private final POSIX posix;
    private volatile boolean haveCloseFrom = true;

    private Spawner(LibC libc, POSIX posix) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.posix = posix;
    }

    /** Loads libc; fails (UnsatisfiedLinkError, IllegalStateException) where native access is impossible. */
    public static Spawner create() {
        LibC libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        return new Spawner(libc, POSIXFactory.getNativePOSIX());
    }

    /** The POSIX calls of jnr-posix, for a caller that needs a few more (getpwnam and the like). */
    public POSIX posix() {
        return posix;
    }

    /** A new pipe, both ends close-on-exec: {read end, write end}. */
    public int[] pipe() throws IOException {
        int[] fds = new int[2];
        if (libc.pipe2(fds, O_CLOEXEC) != 0) throw new IOException("pipe2 failed: errno " + posix.errno());
        return fds;
    }

    /** Opens {@code file} for reading, close-on-exec. */
    public int openRead(Path file) throws IOException {
        int fd = posix.open(file.toString(), O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) throw new IOException("cannot open " + file + ": errno " + posix.errno());
        return fd;
    }

    /** fstat of an open descriptor: the file that was opened, whatever its name points to now. */
    public Stat fstat(int fd) throws IOException {
        FileStat st = posix.allocateStat();
        if (posix.fstat(fd, st) != 0) throw new IOException("fstat failed: errno " + posix.errno());
        return new Stat(st.isFile(), st.uid());
    }

    /**
     * Starts {@code argv} (argv[0] is the program; a name without '/' is searched in PATH) with the
     * environment {@code env} ({@code NAME=value} entries). The child's descriptor i is the parent's
     * descriptor {@code childFds[i]}; every other descriptor is closed in the child. The parent's
     * descriptors are left open. Returns the child's pid; an IOException if it could not be started (for
     * example, the program does not exist).
     */
    public long spawn(List<byte[]> argv, List<byte[]> env, int... childFds) throws IOException {
        if (argv.isEmpty()) throw new IllegalArgumentException("empty argv");
        List<Pointer> keep = new ArrayList<>();
        Pointer actions = Memory.allocateDirect(runtime, ACTIONS_SIZE, true);
        Pointer attr = Memory.allocateDirect(runtime, ATTR_SIZE, true);
        Pointer empty = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
        Pointer all = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
        check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try {
            check(libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try {
                placeDescriptors(actions, childFds);
                libc.sigemptyset(empty);
                libc.sigfillset(all);
                check(libc.posix_spawnattr_setsigmask(attr, empty), "posix_spawnattr_setsigmask");
                check(libc.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
                check(libc.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                    "posix_spawnattr_setflags");
                IntByReference pid = new IntByReference();
                Pointer file = cString(argv.get(0), keep);
                int rc = libc.posix_spawnp(pid, file, actions, attr, vector(argv, keep), vector(env, keep));
                if (rc != 0) throw new IOException("cannot run " + printable(argv.get(0)) + ": errno " + rc);
                return pid.intValue();
            } finally {
                libc.posix_spawnattr_destroy(attr);
            }
        } finally {
            libc.posix_spawn_file_actions_destroy(actions);
            Reference.reachabilityFence(keep);
            Reference.reachabilityFence(empty);
            Reference.reachabilityFence(all);
        }
    }

    /**
     * dup2 every source onto its target. Sources are first copied above every number involved, so a
     * source that is itself a lower target (say, fd 1 wanted as the child's fd 2) is not overwritten
     * before it is used; then everything from {@code childFds.length} up is closed.
     */
    private void placeDescriptors(Pointer actions, int[] childFds) throws IOException {
        int high = childFds.length;
        for (int fd : childFds) {
            if (fd < 0) throw new IllegalArgumentException("negative fd " + fd);
            high = Math.max(high, fd + 1);
        }
        for (int i = 0; i < childFds.length; i++) {
            check(libc.posix_spawn_file_actions_adddup2(actions, childFds[i], high + i), "adddup2");
        }
        for (int i = 0; i < childFds.length; i++) {
            check(libc.posix_spawn_file_actions_adddup2(actions, high + i, i), "adddup2");
        }
        closeFrom(actions, childFds.length);
    }

    /** Close every descriptor >= from: glibc 2.34's closefrom action, else each one open now. */
    private void closeFrom(Pointer actions, int from) throws IOException {
        if (haveCloseFrom) {
            try {
                check(libc.posix_spawn_file_actions_addclosefrom_np(actions, from), "addclosefrom_np");
                return;
            } catch (UnsatisfiedLinkError e) {
                haveCloseFrom = false;
            }
        }
        // Older libc: close what is open now. Descriptors opened by other threads after this listing are
        // ours (close-on-exec) or the JVM's; glibc ignores a close action on a descriptor that is not open.
        int max = from;
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) list::iterator) {
                try {
                    max = Math.max(max, Integer.parseInt(p.getFileName().toString()) + 1);
                } catch (NumberFormatException ignored) {
                    // not a descriptor
                }
            }
        }
        // The temporary copies made by placeDescriptors lie above every open descriptor we know of.
        for (int fd = from; fd < max + 64; fd++) check(libc.posix_spawn_file_actions_addclose(actions, fd), "addclose");
    }

    /** Reads what is there (blocking until something is); 0 at end of file. */
    public int read(int fd, byte[] buf) throws IOException {
        for (;;) {
            int n = posix.read(fd, buf, buf.length);
            if (n >= 0) return n;
            int errno = posix.errno();
            if (errno != EINTR) throw new IOException("read failed: errno " + errno);
        }
    }

    /** Writes all of {@code buf[0..n)} to {@code fd}. */
    public void write(int fd, byte[] buf, int n) throws IOException {
        int off = 0;
        while (off < n) {
            byte[] chunk = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, n);
            int w = posix.write(fd, chunk, n - off);
            if (w > 0) {
                off += w;
                continue;
            }
            int errno = posix.errno();
            if (w < 0 && errno == EINTR) continue;
            throw new IOException("write failed: errno " + errno);
        }
    }

    /**
     * An inherited descriptor as a stream, read with read(2) on the number itself. Unlike reopening
     * {@code /proc/self/fd/N} (qmail-common's InheritedFd), this works for a pipe whose owner is another
     * user: qmail-start, as root, makes the pipes that qmail-send, running as qmails, reads, and Linux
     * checks a reopened pipe's owner and mode (0600) like a file's.
     */
    public InputStream input(int fd) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                byte[] buf = off == 0 ? b : new byte[len];
                int n = posix.read(fd, buf, len);
                while (n < 0 && posix.errno() == EINTR) n = posix.read(fd, buf, len);
                if (n < 0) throw new IOException("read failed: errno " + posix.errno());
                if (n == 0) return -1;
                if (buf != b) System.arraycopy(buf, 0, b, off, n);
                return n;
            }

            @Override
            public void close() {
                Spawner.this.close(fd);
            }
        };
    }

    /** An inherited descriptor as an unbuffered stream, written with write(2); see {@link #input}. */
    public java.io.OutputStream output(int fd) {
        return new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                Spawner.this.write(fd, new byte[] {(byte) b}, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Spawner.this.write(fd, off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len), len);
            }

            @Override
            public void close() {
                Spawner.this.close(fd);
            }
        };
    }

    /** Reads {@code fd} to end of file and closes it. */
    public void drain(int fd, Output into) throws IOException {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = read(fd, buf)) > 0; ) into.append(buf, n);
        } finally {
            close(fd);
        }
    }

    /** Where {@link #drain} puts a child's output. */
    public interface Output {
        void append(byte[] buf, int n);
    }

    public void close(int fd) {
        if (fd >= 0) posix.close(fd);
    }

    /** Waits for the child {@code pid} to end. */
    public ExitStatus waitFor(long pid) throws IOException {
        int[] status = new int[1];
        for (;;) {
            int r = posix.waitpid(pid, status, 0);
            if (r == pid) return ExitStatus.of(status[0]);
            int errno = posix.errno();
            if (r != -1 || errno != EINTR) throw new IOException("waitpid " + pid + " failed: errno " + errno);
        }
    }

    /**
     * The environment this process was started with, as exact bytes ({@code /proc/self/environ}; the
     * JVM's System.getenv decodes with the locale's charset, which can lose 8-bit bytes).
     */
    public static List<byte[]> inheritedEnvironment() throws IOException {
        byte[] all;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/environ"))) {
            all = in.readNBytes(16 * 1024 * 1024);
        }
        List<byte[]> env = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                if (i > start) env.add(java.util.Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        return env;
    }

    private Pointer cString(byte[] s, List<Pointer> keep) {
        for (byte b : s) {
            if (b == 0) throw new IllegalArgumentException("NUL in an argument or environment entry");
        }
        Pointer p = Memory.allocateDirect(runtime, s.length + 1, true);
        p.put(0, s, 0, s.length);
        keep.add(p);
        return p;
    }

    /** A NULL-terminated array of C strings, as execve wants argv and envp. */
    private Pointer vector(List<byte[]> items, List<Pointer> keep) {
        int width = runtime.addressSize();
        Pointer v = Memory.allocateDirect(runtime, (items.size() + 1) * width, true);
        for (int i = 0; i < items.size(); i++) v.putAddress((long) i * width, cString(items.get(i), keep).address());
        keep.add(v);
        return v;
    }

    private static void check(int rc, String what) throws IOException {
        if (rc != 0) throw new IOException(what + " failed: " + rc);
    }

    private static String printable(byte[] b) {
        return org.jqmail.common.Ascii.printable(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
