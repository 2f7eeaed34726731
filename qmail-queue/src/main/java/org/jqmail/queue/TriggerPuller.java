package org.jqmail.queue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * qmail-queued's trigger: triggerpull.c exactly (open the FIFO {@code O_WRONLY|O_NDELAY}, which fails
 * at once with ENXIO when qmail-send is not reading; write one byte; close), done by the injection's
 * own thread after its answer, as qmail-queue does it after each message. (A thread of its own that
 * let concurrent injections share a pull cost a wake-up per message at one session, more than the
 * three system calls it saved at sixteen: qmail-send reads all pending bytes as one pull anyway.)
 * qmail-queue itself uses {@link Trigger}, which avoids the native open because binding it costs a
 * one-message program more start-up than the pull is worth.
 */
final class TriggerPuller {
    private static final int O_WRONLY = 0x1;
    private static final int O_NONBLOCK = 0x800; // O_NDELAY on Linux (x86-64 and aarch64)
    private static final int O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("write"),
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final MemorySegment fifo;
    private final MemorySegment oneByte;

    /** The puller of {@code fifo}. */
    TriggerPuller(Path fifo) {
        Arena arena = Arena.global(); // one FIFO name and one byte for the life of the daemon
        this.fifo = arena.allocateFrom(fifo.toString());
        this.oneByte = arena.allocate(1);
    }

    /** One triggerpull, in the caller's thread: every failure is ignored, as there (the message is committed already). */
    void pull() {
        try {
            int fd = (int) OPEN.invokeExact(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) return; // ENXIO: nobody reads, so nobody is waiting; ENOENT, EACCES: nothing to do
            long ignored = (long) WRITE.invokeExact(fd, oneByte, 1L);
            int ignoredToo = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // a native call cannot throw; a binding problem leaves qmail-send to its next scan
        }
    }
}
