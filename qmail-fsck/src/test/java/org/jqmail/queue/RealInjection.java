package org.jqmail.queue;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import org.jqmail.common.QueueLayout;

/**
 * Queues a message with qmail-queue's own code (Injection is package-private, so this helper lives in
 * org.jqmail.queue; on the class path that is the same runtime package across jars).
 */
public final class RealInjection {
    private RealInjection() {}

    public static long inject(QueueLayout queue, byte[] message, byte[] envelope) throws Exception {
        Invoker invoker = new Invoker(1000, "by uid 1000");
        return new Injection(queue, ProcessHandle.current().pid(), System.currentTimeMillis() / 1000, invoker)
            .inject(Channels.newChannel(new ByteArrayInputStream(message)), new ByteArrayInputStream(envelope));
    }
}
