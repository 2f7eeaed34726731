package org.jqmail.common;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * "Is it there?" and "remove it if it is there", answered from errno instead of by exceptions.
 * <p>
 * qmail-send asks both about a dozen times per message, and for most of them the answer is "no":
 * {@code Files.readAttributes} and {@code Files.deleteIfExists} build one or two exceptions, stack
 * trace and all, for every missing file (JFR, relaying at one session: 13 per message). Here a missing
 * file costs one system call and no allocation beyond the path. Linux and glibc (x86-64, aarch64), as
 * the rest of the suite's native calls.
 */
public final class FileProbe {
    private static final int AT_FDCWD = -100;
    private static final int F_OK = 0;
    private static final int AT_EACCESS = 0x200;
    private static final int ENOENT = 2;

    private static final MethodHandle FACCESSAT = ErrnoCalls.function("faccessat",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLINK = ErrnoCalls.function("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private FileProbe() {}

    /** 1 when {@code p} exists, 0 when it does not (ENOENT), -1 when that cannot be told (qmail's stat). */
    public static int exists(Path p) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = ErrnoCalls.state(arena);
            int r = (int) FACCESSAT.invokeExact(state, AT_FDCWD, arena.allocateFrom(p.toString()), F_OK, AT_EACCESS);
            if (r == 0) return 1;
            return ErrnoCalls.errno(state) == ENOENT ? 0 : -1;
        } catch (Throwable e) {
            return -1; // a native call cannot throw; the path could not be passed (a NUL in it)
        }
    }

    /** Removes {@code p}; true when it was removed, false when it was not there; an IOException otherwise. */
    public static boolean unlinkIfExists(Path p) throws IOException {
        int r;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = ErrnoCalls.state(arena);
            r = (int) UNLINK.invokeExact(state, arena.allocateFrom(p.toString()));
            errno = ErrnoCalls.errno(state);
        } catch (Throwable e) {
            throw new IOException("cannot unlink " + p, e);
        }
        if (r == 0) return true;
        if (errno == ENOENT) return false;
        throw new IOException("cannot unlink " + p + " (errno " + errno + ")");
    }
}
