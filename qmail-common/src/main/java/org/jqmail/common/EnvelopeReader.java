package org.jqmail.common;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an envelope record by record from a stream, with qmail-queue's limits enforced as the bytes
 * arrive, so a hostile or broken writer can neither make us buffer without bound nor pass a malformed
 * envelope. Each record is handed to the caller as it is read (qmail-queue copies them straight into
 * intd/N), so 100,000 recipients cost no memory here.
 */
public final class EnvelopeReader {
    /** Why an envelope was refused; each maps to one qmail-queue exit code. */
    public enum Problem {
        /** EOF before the final NUL, or a read error (exit 54). */
        TRUNCATED,
        /** First byte not F, or a record not starting with T (exit 91). */
        FORMAT,
        /** An address of {@link Envelope#MAX_ADDRESS} bytes or more (exit 11). */
        TOO_LONG
    }

    public static final class EnvelopeException extends Exception {
        private final Problem problem;

        public EnvelopeException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        EnvelopeException(Problem problem, String message, Throwable cause) {
            super(message, cause);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** Receives each record: its type byte ('F' or 'T') and the address bytes without the NUL. */
    public interface RecordSink {
        void record(byte type, byte[] address, int length) throws IOException;
    }

    private final InputStream in;
    private final byte[] buf = new byte[Envelope.MAX_ADDRESS];

    /** {@code in} should be buffered; this reads byte by byte. */
    public EnvelopeReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the whole envelope up to and including its final NUL, calling {@code sink} for the sender
     * and then for each recipient. Returns the number of recipients. Nothing after the final NUL is read.
     * <p>
     * Trouble reading {@code in} is an {@link EnvelopeException} ({@link Problem#TRUNCATED}); an
     * IOException comes only from the sink. qmail-queue needs the two apart: a read error is exit 54, a
     * write error exit 53.
     */
    public long read(RecordSink sink) throws IOException, EnvelopeException {
        int first = next();
        if (first != 'F') throw new EnvelopeException(Problem.FORMAT, "envelope does not start with F");
        sink.record((byte) 'F', buf, address());
        long count = 0;
        for (;;) {
            int type = next();
            if (type == 0) return count;
            if (type != 'T') throw new EnvelopeException(Problem.FORMAT, "envelope record does not start with T");
            sink.record((byte) 'T', buf, address());
            count++;
        }
    }

    /** Reads one address into buf up to its NUL; refuses it as soon as it reaches MAX_ADDRESS bytes. */
    private int address() throws EnvelopeException {
        for (int len = 0; ; len++) {
            int c = next();
            if (c == 0) return len;
            if (len >= Envelope.MAX_ADDRESS - 1) {
                throw new EnvelopeException(Problem.TOO_LONG, "envelope address too long");
            }
            buf[len] = (byte) c;
        }
    }

    private int next() throws EnvelopeException {
        int c;
        try {
            c = in.read();
        } catch (IOException e) {
            throw new EnvelopeException(Problem.TRUNCATED, "cannot read envelope: " + e.getMessage(), e);
        }
        if (c < 0) throw new EnvelopeException(Problem.TRUNCATED, "envelope ends before its final NUL");
        return c;
    }
}
