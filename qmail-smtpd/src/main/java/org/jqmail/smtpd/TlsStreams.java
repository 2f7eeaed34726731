package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import org.jqmail.tls.TlsEngine;

/**
 * A server-side TLS session over the plain byte streams of fds 0 and 1 (qmail-tls's TlsEngine moves
 * the records; tcpserver hands us only file descriptors, and the JDK's SSLSocket needs a Socket):
 * {@link #handshake()} first, then {@link #input()} and {@link #output()} carry the decrypted SMTP
 * session. The underlying streams are the watchdog's, so every network read and write,
 * the handshake's included, is bounded by timeoutsmtpd.
 * <p>
 * The engine starts with empty buffers: whatever plaintext the client sent after STARTTLS was read
 * into (and is discarded with) qmail-smtpd's command buffer, never fed to TLS or run as a command
 * after it (CVE-2011-0411).
 */
final class TlsStreams extends TlsEngine {
    private final InputStream net;
    private final OutputStream netOut;
    private final byte[] readBuf;

    TlsStreams(SSLEngine engine, InputStream net, OutputStream netOut) {
        super(engine, "client");
        this.net = net;
        this.netOut = netOut;
        this.readBuf = new byte[engine.getSession().getPacketBufferSize()];
    }

    @Override
    protected boolean receive(ByteBuffer dst) throws IOException {
        int n = net.read(readBuf, 0, Math.min(readBuf.length, dst.remaining()));
        if (n <= 0) return false;
        dst.put(readBuf, 0, n);
        return true;
    }

    @Override
    protected void send(ByteBuffer records) throws IOException {
        netOut.write(records.array(), records.arrayOffset() + records.position(), records.remaining());
        records.position(records.limit());
        netOut.flush();
    }

    /** The engine's protocol and cipher suite, for the log and the Received line. */
    String describe() {
        return session().getProtocol() + " " + session().getCipherSuite();
    }

    /** The decrypted client bytes. */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) <= 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return TlsStreams.this.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return buffered() + net.available();
            }
        };
    }

    /** Encrypts and sends the replies. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                TlsStreams.this.write(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                netOut.flush();
            }
        };
    }

    /** Sends close_notify, as a polite end after QUIT; failures do not matter any more. */
    void close() {
        closeQuietly();
    }
}
