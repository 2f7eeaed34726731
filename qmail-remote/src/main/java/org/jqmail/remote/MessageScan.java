package org.jqmail.remote;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * What the message asks of the server, learnt before MAIL: whether its header is UTF-8 (SMTPUTF8,
 * RFC 6531) and whether it has 8-bit bytes at all (BODY=8BITMIME, RFC 6152). A stream that can be
 * rewound (the queue file on fd 0, see {@link MessageInput}) is read through once and rewound; any
 * other is read only as far as the end of its header, which is kept in memory (at most
 * {@value #MAX_HEADER} bytes are looked at; a longer header is judged by its start) and replayed:
 * its body is then taken to be 8-bit, which is only a declaration and never wrong to make.
 */
record MessageScan(boolean utf8Header, boolean eightBit, InputStream message) {
    static final int MAX_HEADER = 256 * 1024;

    static MessageScan of(InputStream in) throws Blast.MessageProblem {
        try {
            boolean rewind = in.markSupported();
            if (rewind) in.mark(Integer.MAX_VALUE);
            // a rewindable stream may be unbuffered (a file channel): scan it through a buffer of our own
            InputStream src = rewind ? new java.io.BufferedInputStream(in, Blast.BUFFER) : in;
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            boolean lineStart = true;
            boolean eight = false;
            for (int c; head.size() < MAX_HEADER && (c = src.read()) >= 0; ) {
                head.write(c);
                eight |= c >= 128;
                if (c == '\n') {
                    if (lineStart) break;
                    lineStart = true;
                } else if (c != '\r' || !lineStart) {
                    lineStart = false;
                }
            }
            byte[] h = head.toByteArray();
            boolean utf8 = Utf8.international(h, 0, h.length);
            if (!rewind) return new MessageScan(utf8, true, new SequenceInputStream(new ByteArrayInputStream(h), in));
            byte[] buf = new byte[Blast.BUFFER];
            for (int n; !eight && (n = src.read(buf)) > 0; ) {
                for (int i = 0; i < n && !eight; i++) eight = buf[i] < 0;
            }
            in.reset();
            return new MessageScan(utf8, eight, in);
        } catch (IOException e) {
            throw new Blast.MessageProblem(Verdict.readMessage());
        }
    }
}
