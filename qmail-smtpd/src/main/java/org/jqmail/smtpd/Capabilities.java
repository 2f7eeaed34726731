package org.jqmail.smtpd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Gives up every Linux capability once the listening socket is bound. The run script starts
 * qmail-smtpd-server as qmaild with CAP_NET_BIND_SERVICE alone (setpriv --ambient-caps), because port
 * 25 needs it; nothing after bind(2) does, and without this a program the sessions run (a QMAILQUEUE
 * filter, a checkpassword program) would inherit it through the ambient set. capset(2) with empty sets
 * clears effective, permitted, inheritable and, with them, ambient. Capabilities belong to a thread:
 * the caller must be the thread that later starts the session threads, which inherit its empty sets.
 * One call through the JDK's Foreign Function &amp; Memory API (a daemon: start-up cost does not matter).
 */
final class Capabilities {
    /** _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set. */
    private static final int VERSION_3 = 0x20080522;

    private Capabilities() {}

    static void dropAll() throws IOException {
        Linker linker = Linker.nativeLinker();
        MethodHandle capset = linker.downcallHandle(linker.defaultLookup().find("capset")
            .orElseThrow(() -> new IOException("no capset in libc")), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8);
            header.set(JAVA_INT, 0, VERSION_3);
            header.set(JAVA_INT, 4, 0); // this thread
            MemorySegment data = arena.allocate(24); // 2 x {effective, permitted, inheritable}, zeroed
            int r;
            try {
                r = (int) capset.invokeExact(header, data);
            } catch (Throwable t) {
                throw new IOException("capset: " + t, t);
            }
            if (r != 0) throw new IOException("capset failed");
        }
    }
}
