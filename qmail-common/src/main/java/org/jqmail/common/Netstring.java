package org.jqmail.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Netstrings (cr.yp.to/proto/netstrings.txt): {@code LEN ":" DATA ","}, LEN in decimal without leading
 * zeros. Used by QMQP/QMTP and checkpassword-style helpers. Every length is checked against a caller's
 * limit before anything is allocated.
 */
public final class Netstring {
    private Netstring() {}

    public static byte[] encode(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 12);
        out.writeBytes(Integer.toString(data.length).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(data);
        out.write(',');
        return out.toByteArray();
    }

    /** Reads one netstring of at most {@code maxLength} bytes of data. */
    public static byte[] read(InputStream in, int maxLength) throws IOException {
        long len = 0;
        int digits = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < 0) throw new IOException("netstring: unexpected end of input");
            if (c < '0' || c > '9') throw new IOException("netstring: bad length character");
            if (digits == 1 && len == 0) throw new IOException("netstring: leading zero in length");
            len = len * 10 + (c - '0');
            digits++;
            if (len > maxLength) throw new IOException("netstring: longer than " + maxLength + " bytes");
        }
        if (digits == 0) throw new IOException("netstring: missing length");
        byte[] data = in.readNBytes((int) len);
        if (data.length != len) throw new IOException("netstring: unexpected end of input");
        if (in.read() != ',') throw new IOException("netstring: missing comma");
        return data;
    }
}
