package org.jqmail.start;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * qmail-start's last step: this very process becomes qmail-send, so that supervise, which started
 * qmail-start, signals qmail-send with svc -t and svc -d (a JVM cannot fork, so there is no parent
 * left behind to relay them). The descriptors are put on 0, 1, 2, ... with dup2 and the program is
 * started with execve, which keeps the pid.
 * <p>
 * The JVM uses some of the low descriptors itself (its class path jars, the runtime image), and dup2
 * onto them pulls them from under it. So everything that could need the JVM is done first: the argv
 * and environment are built in native memory, every native call on the way is bound by a harmless call
 * (dup2 of a descriptor onto itself, execve of a path that does not exist), and the sources are copied
 * above 100 so that no dup2 overwrites a source that is still to be used. Between the first dup2 and
 * execve only those bound native calls run, on this thread; no Java code that loads classes or opens
 * files. Every other descriptor is marked close-on-exec before, so nothing root opened (nor anything
 * our parent leaked to us) reaches qmail-send.
 */
final class Becoming {
    private static final int HIGH = 100;

    private final Native libc;
    private final Runtime runtime;
    private final List<Pointer> keep = new ArrayList<>();

    Becoming(Native libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /**
     * Runs {@code argv} (argv[0] an absolute path) in this process with {@code env}, its descriptor i
     * being our {@code fds[i]}. Returns only if it could not: before anything was changed, with a
     * StartFailure; after the descriptors were placed, never (it writes {@code lastWords} on the new
     * fd 0, the log, and exits 111).
     */
    void exec(List<byte[]> argv, List<byte[]> env, int[] fds, byte[] lastWords) throws StartFailure {
        Pointer path = cString(argv.get(0));
        Pointer argvp = vector(argv);
        Pointer envp = vector(env);
        Pointer nowhere = cString("/nonexistent/qmail-start-probe".getBytes(StandardCharsets.US_ASCII));
        int[] high = new int[fds.length];
        for (int i = 0; i < fds.length; i++) {
            high[i] = libc.fcntl(fds[i], Native.F_DUPFD_CLOEXEC, HIGH);
            if (high[i] < 0) throw new StartFailure("unable to copy descriptor " + fds[i]);
        }
        closeOthersOnExec(fds.length, high);
        // Bind every native call of the sequence below now, while a class load is still harmless.
        libc.dup2(high[0], high[0]);
        libc.execve(nowhere, argvp, envp);
        libc.write(-1, lastWords, 0);

        for (int i = 0; i < high.length; i++) {
            if (libc.dup2(high[i], i) != i) die(lastWords);
        }
        libc.execve(path, argvp, envp);
        die(lastWords);
        Reference.reachabilityFence(keep);
    }

    private void die(byte[] lastWords) {
        libc.write(0, lastWords, lastWords.length);
        libc._exit(111);
    }

    /** Marks every open descriptor from {@code from} up close-on-exec, except the copies we will place. */
    private void closeOthersOnExec(int from, int[] except) throws StartFailure {
        List<Integer> open = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    open.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not a descriptor
                }
            }
        } catch (IOException e) {
            throw new StartFailure("unable to list /proc/self/fd: " + e.getMessage());
        }
        outer:
        for (int fd : open) {
            if (fd < from) continue;
            for (int h : except) if (h == fd) continue outer;
            // The descriptor of the listing itself is closed by now: EBADF, and nothing to do.
            libc.fcntl(fd, Native.F_SETFD, Native.FD_CLOEXEC);
        }
    }

    private Pointer cString(byte[] s) throws StartFailure {
        for (byte b : s) if (b == 0) throw new StartFailure("NUL in an argument or environment entry");
        Pointer p = Memory.allocateDirect(runtime, s.length + 1, true);
        p.put(0, s, 0, s.length);
        keep.add(p);
        return p;
    }

    private Pointer vector(List<byte[]> items) throws StartFailure {
        int width = runtime.addressSize();
        Pointer v = Memory.allocateDirect(runtime, (items.size() + 1) * width, true);
        for (int i = 0; i < items.size(); i++) v.putAddress((long) i * width, cString(items.get(i)).address());
        keep.add(v);
        return v;
    }
}
