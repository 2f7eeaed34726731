package org.jqmail.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A TLS session (javax.net.ssl.SSLEngine) whose records are moved by hand over a transport the subclass
 * provides ({@link #receive}, {@link #send}). The JDK's SSLSocket needs a Socket and has no write
 * timeout; qmail-smtpd under tcpserver has only fds 0 and 1, and qmail-remote keeps qmail's
 * timeoutremote on every wait, so both move the records themselves, with this one engine pump.
 * <p>
 * The network buffer starts empty: bytes the peer sent in plaintext after the STARTTLS exchange are
 * never fed to TLS (CVE-2011-0411); the caller must throw away whatever it had buffered itself.
 */
public abstract class TlsEngine {
    /** A handshake needs a handful of records; a peer that keeps it going longer is not honest. */
    private static final int MAX_HANDSHAKE_STEPS = 200;

    private final SSLEngine engine;
    private final String peer;
    private ByteBuffer netIn;   // received records, "read" mode between calls
    private ByteBuffer appIn;   // decrypted bytes, "read" mode between calls
    private ByteBuffer netOut;  // records to send
    private boolean closed;

    /** @param peer "client" or "server", for the error texts */
    protected TlsEngine(SSLEngine engine, String peer) {
        this.engine = engine;
        this.peer = peer;
        SSLSession s = engine.getSession();
        netIn = ByteBuffer.allocate(s.getPacketBufferSize()).flip();
        appIn = ByteBuffer.allocate(s.getApplicationBufferSize()).flip();
        netOut = ByteBuffer.allocate(s.getPacketBufferSize());
    }

    /**
     * Reads what the network has into {@code dst} (write mode, room for at least one TLS packet);
     * false at the end of the stream.
     */
    protected abstract boolean receive(ByteBuffer dst) throws IOException;

    /** Sends all of {@code records}. */
    protected abstract void send(ByteBuffer records) throws IOException;

    /** Runs the handshake to its end; an SSLException or IOException means it failed. */
    public final void handshake() throws IOException {
        engine.beginHandshake();
        for (int step = 0; ; step++) {
            if (step == MAX_HANDSHAKE_STEPS) throw new SSLException("handshake takes too many steps");
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapSome()) throw new SSLException("the " + peer + " closed the connection during the handshake");
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    public final SSLSession session() {
        return engine.getSession();
    }

    /** Decrypted bytes into {@code b}: how many, or -1 at the end of the session. */
    public final int read(byte[] b, int off, int len) throws IOException {
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

    /** Encrypts and sends all of {@code src}. */
    public final void write(ByteBuffer src) throws IOException {
        wrap(src);
    }

    /** Bytes received and not yet read: decrypted ones and records not yet decrypted. */
    public final int buffered() {
        return appIn.remaining() + netIn.remaining();
    }

    /** Sends close_notify, as a polite end after QUIT; failures do not matter any more. */
    public final void closeQuietly() {
        try {
            engine.closeOutbound();
            wrap(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            // the peer is gone already
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = engine.getDelegatedTask()) != null) r.run();
    }

    private void wrap(ByteBuffer src) throws IOException {
        for (;;) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining()) send(netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                if (src.hasRemaining()) throw new IOException("TLS session closed");
                return;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) runTasks();
            if (!src.hasRemaining()) return;
        }
    }

    /** Unwraps at least one record, reading as needed; false at end of stream or after close_notify. */
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

    private boolean readNet() throws IOException {
        int need = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() - netIn.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.remaining() + need);
            bigger.put(netIn).flip();
            netIn = bigger;
        }
        netIn.compact();
        try {
            return receive(netIn);
        } finally {
            netIn.flip();
        }
    }
}
