package org.jqmail.smtpd;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.ConstMap;
import org.jqmail.common.RcptHosts;

/** Drives an {@link Smtpd} with bytes and keeps its replies, exit code and queue runs. */
final class Session {
    static final long NOW = 1700000000L;

    String greeting = "mx.example";
    String liphost = "mx.example";
    long databytes = 0;
    List<String> rcpthosts = List.of("mx.example", ".sub.example");
    List<String> badmailfrom = null;
    Peer peer = new Peer("192.0.2.1", "unknown", null, "mx.example", null);
    MailAddress.LocalIps ips = ip -> ip[0] == 127 && ip[1] == 0 && ip[2] == 0 && ip[3] == 1;
    final FakeQueue queue = new FakeQueue();
    Options options = Options.NONE;
    /** Each write the server made, in order (to see what went out together). */
    final List<String> writes = new ArrayList<>();
    int exit;
    String replies;

    Controls controls() {
        return new Controls(greeting, liphost, 1200, databytes, RcptHosts.of(rcpthosts, null),
            badmailfrom == null ? null : ConstMap.ofLines(badmailfrom));
    }

    Session run(String input) throws IOException {
        return run(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Each chunk is one read's worth, as if it came in its own TCP segment. */
    Session chunks(String... chunks) throws IOException {
        return run(new InputStream() {
            int i;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i == chunks.length) return -1;
                byte[] c = chunks[i++].getBytes(StandardCharsets.ISO_8859_1);
                if (c.length > len) throw new IllegalStateException("chunk too big for the test");
                System.arraycopy(c, 0, b, off, c.length);
                return c.length;
            }
        });
    }

    Session run(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        java.io.OutputStream out = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                all.write(b, off, len);
                writes.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
            }
        };
        exit = new Smtpd(controls(), options, peer, in, out, queue, ips, () -> NOW).run();
        replies = all.toString(StandardCharsets.ISO_8859_1);
        return this;
    }

    /** The reply lines after the greeting, each without CR LF. */
    List<String> lines() {
        List<String> l = new ArrayList<>(List.of(replies.split("\r\n", -1)));
        if (!l.get(l.size() - 1).isEmpty()) throw new AssertionError("reply without CR LF: " + replies);
        l.remove(l.size() - 1);
        if (!l.get(0).equals("220 " + greeting + " ESMTP")) throw new AssertionError("greeting: " + l.get(0));
        l.remove(0);
        return l;
    }
}
