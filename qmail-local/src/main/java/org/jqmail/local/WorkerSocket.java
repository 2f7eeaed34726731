package org.jqmail.local;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A worker's end of its SOCK_SEQPACKET socket to qmail-lspawn (fd 0): recvmsg(2) of one request record
 * with its SCM_RIGHTS descriptors, send(2) of one reply record, close(2) of a received descriptor. The
 * JDK has no descriptor passing, so these are bound with its Foreign Function &amp; Memory API (the worker
 * lives for many deliveries; the command line never loads this class).
 * <p>
 * Linux with glibc on a 64-bit machine (x86-64, aarch64): struct msghdr is 56 bytes (name, namelen,
 * iov, iovlen, control, controllen, flags at 0, 8, 16, 24, 32, 40, 48), struct cmsghdr 16 bytes before
 * its data (len, level, type at 0, 8, 12). Received descriptors are close-on-exec (MSG_CMSG_CLOEXEC),
 * so no program a delivery runs can inherit another delivery's message.
 */
final class WorkerSocket {
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x08;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** Room for 16 descriptors: one is expected, more are closed, and more than 16 marks the record bad. */
    private static final int CONTROL_BYTES = 16 + 16 * 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = bind("send",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** One record: its bytes (the first {@code length} of {@code data}) and the descriptors that came with it. */
    record Received(byte[] data, int length, int[] fds, boolean truncated) {}

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(WorkerProtocol.MAX_REQUEST + 1L);
    private final MemorySegment control = arena.allocate(CONTROL_BYTES, 8);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msg = arena.allocate(56, 8);

    WorkerSocket(int fd) {
        this.fd = fd;
    }

    /**
     * The next record, or null at end of file (qmail-lspawn closed its end). One thread only. A record
     * longer than {@link WorkerProtocol#MAX_REQUEST}, or whose descriptors did not all fit, is marked
     * truncated.
     */
    Received receive() throws IOException {
        iov.set(ADDRESS, 0, buffer);
        iov.set(JAVA_LONG, 8, buffer.byteSize());
        msg.fill((byte) 0);
        control.fill((byte) 0);
        msg.set(ADDRESS, 16, iov);
        msg.set(JAVA_LONG, 24, 1);
        msg.set(ADDRESS, 32, control);
        msg.set(JAVA_LONG, 40, CONTROL_BYTES);
        long n;
        try {
            n = (long) RECVMSG.invokeExact(fd, msg, MSG_CMSG_CLOEXEC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (n < 0) throw new IOException("recvmsg on fd " + fd + " failed (is it qmail-lspawn's socket?)");
        int[] fds = descriptors(msg.get(JAVA_LONG, 40));
        if (n == 0 && fds.length == 0) return null;
        int flags = msg.get(JAVA_INT, 48);
        boolean truncated = n > WorkerProtocol.MAX_REQUEST || (flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
        int length = (int) Math.min(n, WorkerProtocol.MAX_REQUEST);
        byte[] data = buffer.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new Received(data, length, fds, truncated);
    }

    /** Every SCM_RIGHTS descriptor in the first {@code controlLength} bytes of the control buffer. */
    private int[] descriptors(long controlLength) {
        int[] fds = new int[0];
        long off = 0;
        long end = Math.min(controlLength, CONTROL_BYTES);
        while (off + 16 <= end) {
            long len = control.get(JAVA_LONG, off);
            if (len < 16 || off + len > end) break;
            if (control.get(JAVA_INT, off + 8) == SOL_SOCKET && control.get(JAVA_INT, off + 12) == SCM_RIGHTS) {
                int k = (int) ((len - 16) / 4);
                int have = fds.length;
                fds = java.util.Arrays.copyOf(fds, have + k);
                for (int i = 0; i < k; i++) fds[have + i] = control.get(JAVA_INT, off + 16 + 4L * i);
            }
            off += (len + 7) & ~7L;
        }
        return fds;
    }

    /** Sends one record whole (a SOCK_SEQPACKET send is all or nothing). Any thread. */
    void send(byte[] record) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(record.length);
            b.copyFrom(MemorySegment.ofArray(record));
            long n;
            try {
                n = (long) SEND.invokeExact(fd, b, (long) record.length, MSG_NOSIGNAL);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (n != record.length) throw new IOException("send to qmail-lspawn failed");
        }
    }

    static void close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    private static MethodHandle bind(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library")), d);
    }
}
