package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A server-side TLS session (javax.net.ssl.SSLEngine) over the plain byte streams of fds 0 and 1.
 * The JDK's SSLSocket needs a Socket, and tcpserver hands us only file descriptors, so the records are
 * moved by hand: {@link #handshake()} first, then {@link #input()} and {@link #output()} carry the
 * decrypted SMTP session. The underlying streams are the watchdog's, so every network read and write,
 * the handshake's included, is bounded by timeoutsmtpd.
 * <p>
 * The engine starts with empty buffers: whatever plaintext the client sent after STARTTLS was read
 * into (and is discarded with) qmail-smtpd's command buffer, never fed to TLS or run as a command
 * after it (CVE-2011-0411).
 */
final class TlsStreams {
    /** A handshake needs a handful of records; a peer that keeps it going longer is not a client. */
    private static final int MAX_HANDSHAKE_STEPS = 200;

    private final SSLEngine engine;
    private final InputStream net;
    private final OutputStream netOut;
    private final byte[] readBuf;
    private ByteBuffer netIn;   // received records, in "read" mode between calls
    private ByteBuffer appIn;   // decrypted bytes, in "read" mode between calls
    private ByteBuffer outBuf;  // records to send
    private boolean closed;

    TlsStreams(SSLEngine engine, InputStream net, OutputStream netOut) {
        this.engine = engine;
        this.net = net;
        this.netOut = netOut;
        int packet = engine.getSession().getPacketBufferSize();
        this.readBuf = new byte[packet];
        this.netIn = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        this.outBuf = ByteBuffer.allocate(packet);
    }

    /** Runs the handshake to its end; an SSLException or IOException means it failed. */
    void handshake() throws IOException {
        engine.beginHandshake();
        for (int step = 0; ; step++) {
            if (step == MAX_HANDSHAKE_STEPS) throw new SSLException("handshake takes too many steps");
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapSome()) throw new SSLException("the client closed the connection during the handshake");
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /** The engine's protocol and cipher suite, for the log and the Received line. */
    String describe() {
        return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
    }

    private void runTasks() {
        Runnable r;
        while ((r = engine.getDelegatedTask()) != null) r.run();
    }

    /** Wraps {@code src} (all of it) and sends the records. */
    private void wrap(ByteBuffer src) throws IOException {
        for (;;) {
            outBuf.clear();
            SSLEngineResult r = engine.wrap(src, outBuf);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                outBuf = ByteBuffer.allocate(outBuf.capacity() * 2);
                continue;
            }
            outBuf.flip();
            if (outBuf.hasRemaining()) {
                netOut.write(outBuf.array(), outBuf.arrayOffset() + outBuf.position(), outBuf.remaining());
                netOut.flush();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                if (src.hasRemaining()) throw new IOException("TLS session closed");
                return;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) runTasks();
            if (!src.hasRemaining()) return;
        }
    }

    /**
     * Unwraps at least one record (reading from the network as needed); decrypted bytes, if any, are
     * added to appIn. Returns false at the end of the stream or after the client's close_notify.
     */
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
                case BUFFER_UNDERFLOW -> {
                    if (!readNet()) return false;
                }
            }
        }
    }

    /** Appends what the network has to netIn; false at end of stream. */
    private boolean readNet() throws IOException {
        int need = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() - netIn.remaining() < Math.min(need, readBuf.length)) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.remaining() + need);
            bigger.put(netIn).flip();
            netIn = bigger;
        }
        int n = net.read(readBuf, 0, Math.min(readBuf.length, netIn.capacity() - netIn.remaining()));
        if (n <= 0) return false;
        netIn.compact();
        netIn.put(readBuf, 0, n);
        netIn.flip();
        return true;
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
                if (len == 0) return 0;
                while (!appIn.hasRemaining()) {
                    if (closed || !unwrapSome()) return -1;
                    // TLS 1.3 post-handshake messages (KeyUpdate) may want an answer
                    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) wrap(ByteBuffer.allocate(0));
                }
                int n = Math.min(len, appIn.remaining());
                appIn.get(b, off, n);
                return n;
            }

            @Override
            public int available() throws IOException {
                return appIn.remaining() + netIn.remaining() + net.available();
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
                wrap(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                netOut.flush();
            }
        };
    }

    /** Sends close_notify, as a polite end after QUIT; failures do not matter any more. */
    void close() {
        try {
            engine.closeOutbound();
            wrap(ByteBuffer.allocate(0));
        } catch (IOException ignored) {
            // the client is gone already
        }
    }
}
