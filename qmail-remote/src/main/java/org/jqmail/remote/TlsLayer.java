package org.jqmail.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A client TLS session (javax.net.ssl.SSLEngine) over the non-blocking channel of a
 * {@link SmtpConnection}: records are moved by hand, so that every network wait, the handshake's
 * included, keeps qmail's timeoutremote (an SSLSocket has no write timeout). The same idea as
 * qmail-smtpd's TlsStreams, on ByteBuffers and in client mode.
 * <p>
 * The engine starts with an empty network buffer: bytes a server sent in plaintext after its 220 to
 * STARTTLS are never fed to TLS or read as a reply after it (the client side of CVE-2011-0411; the
 * caller refuses a reply buffer that still holds bytes, see {@link SmtpReply#buffered}).
 */
final class TlsLayer {
    /** A handshake needs a handful of records; a peer that keeps it going longer is not a server. */
    private static final int MAX_HANDSHAKE_STEPS = 200;

    private final SSLEngine engine;
    private final SmtpConnection conn;
    private ByteBuffer netIn;   // received records, "read" mode between calls
    private ByteBuffer appIn;   // decrypted bytes, "read" mode between calls
    private ByteBuffer netOut;  // records to send
    private boolean closed;

    TlsLayer(SSLEngine engine, SmtpConnection conn) {
        this.engine = engine;
        this.conn = conn;
        SSLSession s = engine.getSession();
        netIn = ByteBuffer.allocate(s.getPacketBufferSize()).flip();
        appIn = ByteBuffer.allocate(s.getApplicationBufferSize()).flip();
        netOut = ByteBuffer.allocate(s.getPacketBufferSize());
    }

    void handshake() throws IOException {
        engine.beginHandshake();
        for (int step = 0; ; step++) {
            if (step == MAX_HANDSHAKE_STEPS) throw new SSLException("handshake takes too many steps");
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapSome()) throw new SSLException("the server closed the connection during the handshake");
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    SSLSession session() {
        return engine.getSession();
    }

    int read(ByteBuffer into) throws IOException {
        while (!appIn.hasRemaining()) {
            if (closed || !unwrapSome()) throw new IOException("TLS session closed");
            // TLS 1.3 post-handshake messages (KeyUpdate) may want an answer
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) wrap(ByteBuffer.allocate(0));
        }
        int n = Math.min(into.remaining(), appIn.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        into.put(slice);
        appIn.position(appIn.position() + n);
        return n;
    }

    void write(ByteBuffer from) throws IOException {
        wrap(from);
    }

    private void runTasks() {
        Runnable r;
        while ((r = engine.getDelegatedTask()) != null) r.run();
    }

    /** Wraps all of {@code src} and sends the records. */
    private void wrap(ByteBuffer src) throws IOException {
        for (;;) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining()) conn.rawWrite(netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                if (src.hasRemaining()) throw new IOException("TLS session closed");
                return;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) runTasks();
            if (!src.hasRemaining()) return;
        }
    }

    /** Unwraps at least one record, reading as needed; false after the server's close_notify. */
    private boolean unwrapSome() throws IOException {
        for (;;) {
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            switch (r.getStatus()) {
                case OK -> {
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) runTasks();
                    return true;
                }
                case CLOSED -> {
                    closed = true;
                    return false;
                }
                case BUFFER_OVERFLOW -> {
                    ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() + engine.getSession().getApplicationBufferSize());
                    bigger.put(appIn).flip();
                    appIn = bigger;
                }
                case BUFFER_UNDERFLOW -> readNet();
            }
        }
    }

    /** Appends what the network has to netIn (an IOException at its end or on timeout). */
    private void readNet() throws IOException {
        int need = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() - netIn.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.remaining() + need);
            bigger.put(netIn).flip();
            netIn = bigger;
        }
        netIn.compact();
        try {
            conn.rawRead(netIn);
        } finally {
            netIn.flip();
        }
    }

    /** close_notify, as a polite end after QUIT; failures do not matter any more. */
    void closeQuietly() {
        try {
            engine.closeOutbound();
            wrap(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            // the server is gone already
        }
    }
}
