package org.jqmail.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The message on the wire after DATA (qmail-remote.c blast, qmail-remote(8) TRANSPARENCY): the queued
 * bytes unchanged except that each LF becomes CRLF, a '.' that starts a line is doubled, and the end is
 * {@code .\r\n}. A LF that already follows a CR gets no second CR (notqmail's fix: qmail 1.03 sent
 * CR CR LF for a message queued with CRLF line ends). A message whose last line has no LF cannot be sent
 * in SMTP: that is permanent, and the connection is dropped without the final dot so the server
 * discards what it got.
 */
final class Blast {
    /** Thrown for a message that cannot be read (temporary) or has a partial last line (permanent). */
    static final class MessageProblem extends Exception {
        final Verdict failure;

        MessageProblem(Verdict failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    static final int BUFFER = 64 * 1024;

    private Blast() {}

    /**
     * Copies {@code message} to {@code conn}, without the final dot ({@link #end}). IOExceptions are the connection's (the session reports
     * them as a dropped connection); the message's own troubles come as a {@link MessageProblem}.
     */
    static void send(InputStream message, SmtpConnection conn) throws IOException, MessageProblem {
        byte[] in = new byte[BUFFER];
        ByteBuffer out = ByteBuffer.allocate(2 * BUFFER + 8);
        boolean lineStart = true;
        boolean afterCr = false;
        for (;;) {
            int n;
            try {
                n = message.read(in);
            } catch (IOException e) {
                throw new MessageProblem(Verdict.readMessage());
            }
            if (n < 0) break;
            for (int i = 0; i < n; i++) {
                byte c = in[i];
                if (lineStart && c == '.') out.put((byte) '.');
                if (c == '\n') {
                    if (!afterCr) out.put((byte) '\r');
                    lineStart = true;
                    afterCr = false;
                } else {
                    lineStart = false;
                    afterCr = c == '\r';
                }
                out.put(c);
            }
            out.flip();
            conn.write(out);
            out.clear();
        }
        if (!lineStart) throw new MessageProblem(Verdict.partialLine());
    }

    /** The end of the data; from the moment it may have left, a lost connection may mean a duplicate. */
    static void end(SmtpConnection conn) throws IOException {
        conn.write(ByteBuffer.wrap(new byte[] {'.', '\r', '\n'}));
    }
}
