package org.jqmail.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import org.jqmail.tls.TlsEngine;

/**
 * A client TLS session over the non-blocking channel of a {@link SmtpConnection}: qmail-tls's
 * TlsEngine moves the records through {@link SmtpConnection#rawRead} and {@link SmtpConnection#rawWrite},
 * so every network wait, the handshake's included, keeps qmail's timeoutremote (an SSLSocket has no
 * write timeout).
 * <p>
 * The engine starts with an empty network buffer: bytes a server sent in plaintext after its 220 to
 * STARTTLS are never fed to TLS or read as a reply after it (the client side of CVE-2011-0411; the
 * caller refuses a reply buffer that still holds bytes, see {@link SmtpReply#buffered}).
 */
final class TlsLayer extends TlsEngine {
    private final SmtpConnection conn;

    TlsLayer(SSLEngine engine, SmtpConnection conn) {
        super(engine, "server");
        this.conn = conn;
    }

    /** rawRead waits at most the timeout and throws at the end of the stream. */
    @Override
    protected boolean receive(ByteBuffer dst) throws IOException {
        conn.rawRead(dst);
        return true;
    }

    @Override
    protected void send(ByteBuffer records) throws IOException {
        conn.rawWrite(records);
    }

    /** Decrypted bytes into {@code into}; an IOException once the server has closed the session. */
    int read(ByteBuffer into) throws IOException {
        int n;
        if (into.hasArray()) {
            n = read(into.array(), into.arrayOffset() + into.position(), into.remaining());
            if (n > 0) into.position(into.position() + n);
        } else {
            byte[] b = new byte[into.remaining()];
            n = read(b, 0, b.length);
            if (n > 0) into.put(b, 0, n);
        }
        if (n < 0) throw new IOException("TLS session closed");
        return n;
    }
}
