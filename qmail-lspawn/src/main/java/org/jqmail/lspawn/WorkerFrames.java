package org.jqmail.lspawn;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * qmail-lspawn's half of the worker protocol (docs/qmail-local.md "Worker mode"): the request record it
 * sends a qmail-local worker, and the strict parser of the reply records it gets back. A worker runs as
 * a recipient, so its replies are untrusted input to a root process: each is one SOCK_SEQPACKET record
 * read into a buffer of {@link #MAX_REPLY} + 1 bytes, and anything but an exact reply is
 * {@link Malformed}, after which the worker is killed. Integers are unsigned, big-endian.
 * <pre>
 *   request: id (4), user NUL homedir NUL local NUL dash NUL ext NUL domain NUL sender NUL
 *            defaultdelivery NUL; the message descriptor as SCM_RIGHTS data
 *   reply:   id (4), exit code (1: 0, 100 or 111), length (4), output (length, at most MAX_OUTPUT)
 * </pre>
 * The output is what qmail-local would have written on fds 1 and 2, which a report keeps 3000 bytes of
 * ({@link CappedOutput}, whose cut depends only on the first 3001), so {@link #MAX_OUTPUT} loses nothing.
 */
final class WorkerFrames {
    static final int ARGUMENTS = 8;
    static final int MAX_REQUEST = 256 * 1024;
    static final int MAX_OUTPUT = 4096;
    static final int REPLY_HEADER = 9;
    static final int MAX_REPLY = REPLY_HEADER + MAX_OUTPUT;

    /** A reply: the request it answers, qmail-local's exit code, its output. */
    record Reply(long id, int exitCode, byte[] output) {}

    /** A record that is not a reply; the reason is for the log. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    private WorkerFrames() {}

    /**
     * The request record, or null if it would exceed {@link #MAX_REQUEST} (the caller delivers the
     * classic way instead). An argument holding NUL cannot be a command-line argument either.
     */
    static byte[] request(long id, List<byte[]> arguments) {
        if (arguments.size() != ARGUMENTS) throw new IllegalArgumentException("arguments: " + arguments.size());
        long size = 4;
        for (byte[] a : arguments) {
            for (byte c : a) {
                if (c == 0) throw new IllegalArgumentException("NUL in an argument");
            }
            size += a.length + 1L;
        }
        if (size > MAX_REQUEST) return null;
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putInt((int) id);
        for (byte[] a : arguments) b.put(a).put((byte) 0);
        return b.array();
    }

    /** Parses the {@code n} bytes of one record read into {@code record}. */
    static Reply reply(byte[] record, int n) throws Malformed {
        if (n < REPLY_HEADER) throw new Malformed("short reply (" + n + " bytes)");
        if (n > MAX_REPLY) throw new Malformed("oversized reply");
        ByteBuffer b = ByteBuffer.wrap(record, 0, n);
        long id = b.getInt() & 0xffffffffL;
        int code = b.get() & 0xff;
        long length = b.getInt() & 0xffffffffL;
        if (code != 0 && code != 100 && code != 111) throw new Malformed("exit code " + code);
        if (length != n - REPLY_HEADER) throw new Malformed("length " + length + " in a record of " + n + " bytes");
        byte[] output = new byte[(int) length];
        b.get(output);
        return new Reply(id, code, output);
    }
}
