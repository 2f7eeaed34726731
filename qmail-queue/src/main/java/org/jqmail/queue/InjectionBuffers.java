package org.jqmail.queue;

import java.nio.ByteBuffer;

/**
 * The two direct buffers an injection writes through (the message into mess/S/N, the records into
 * intd/N), one pair per thread. qmail-queued's injections run on reused threads; a pair made per
 * injection cost 128 KB of zeroed native memory per message, given back only when a collection found
 * its buffer objects dead, and one that was in flight during a young collection was promoted and held
 * its native memory until a full one. The one-message qmail-queue makes one pair, as before.
 */
final class InjectionBuffers {
    static final int SIZE = 64 * 1024;

    private static final ThreadLocal<InjectionBuffers> PER_THREAD = new ThreadLocal<InjectionBuffers>() {
        @Override
        protected InjectionBuffers initialValue() {
            return new InjectionBuffers();
        }
    };

    final ByteBuffer message = ByteBuffer.allocateDirect(SIZE);
    final ByteBuffer intd = ByteBuffer.allocateDirect(SIZE);

    private InjectionBuffers() {
    }

    /** This thread's pair, both cleared. One injection at a time per thread, as Injection runs. */
    static InjectionBuffers ofThisThread() {
        InjectionBuffers b = PER_THREAD.get();
        b.message.clear();
        b.intd.clear();
        return b;
    }
}
