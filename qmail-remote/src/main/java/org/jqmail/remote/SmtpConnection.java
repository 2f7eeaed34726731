package org.jqmail.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A TCP connection to an SMTP server with qmail's timeouts: connecting may take {@code timeoutconnect}
 * seconds (timeoutconn.c), and every single read and every single write may wait {@code timeoutremote}
 * seconds (timeoutread.c, timeoutwrite.c). A plain Socket has no write timeout, and a server that stops
 * reading must not hold a delivery forever, so this is a non-blocking channel waited on with a selector.
 * <p>
 * Nagle's algorithm is off: the message and its final {@code .\r\n} are two writes, and with it on
 * the dot waited for the ACK of the message, which the server delays (it answers nothing before the
 * dot): ~40 ms per delivery on Linux, and relaying to a local smtp-sink topped out at 385 deliveries/s
 * with 20 in flight. qmail's substdio put both into one buffer; every write here is a whole command
 * or a whole buffer of the message, so no write is a tiny one.
 */
final class SmtpConnection implements AutoCloseable {
    /** Why a connection could not be made; {@code timedOut} feeds queue/lock/tcpto. */
    static final class ConnectFailure extends Exception {
        final boolean timedOut;

        ConnectFailure(boolean timedOut, Throwable cause) {
            super(cause);
            this.timedOut = timedOut;
        }
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final long timeoutMillis;

    /** For tests: whether Nagle's algorithm is off on the connection. */
    boolean noDelay() throws IOException {
        return channel.getOption(StandardSocketOptions.TCP_NODELAY);
    }

    private SmtpConnection(SocketChannel channel, Selector selector, long timeoutMillis) {
        this.channel = channel;
        this.selector = selector;
        this.timeoutMillis = timeoutMillis;
    }

    static SmtpConnection open(InetSocketAddress to, InetAddress bind, long connectMillis, long timeoutMillis)
            throws ConnectFailure {
        SocketChannel ch = null;
        Selector sel = null;
        try {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            if (bind != null) ch.bind(new InetSocketAddress(bind, 0));
            sel = Selector.open();
            if (!ch.connect(to)) {
                ch.register(sel, SelectionKey.OP_CONNECT);
                if (sel.select(Math.max(1, connectMillis)) == 0) throw new SocketTimeoutException("connect");
                ch.finishConnect();
                sel.selectedKeys().clear();
            }
            SmtpConnection c = new SmtpConnection(ch, sel, Math.max(1, timeoutMillis));
            ch = null;
            return c;
        } catch (SocketTimeoutException e) {
            throw new ConnectFailure(true, e);
        } catch (ConnectException e) {
            throw new ConnectFailure(false, e);
        } catch (IOException | RuntimeException e) {
            throw new ConnectFailure(false, e);
        } finally {
            if (ch != null) {
                closeQuietly(ch);
                if (sel != null) closeQuietly(sel);
            }
        }
    }

    /** Set by {@link #startTls}: from then on every read and write goes through it. */
    private TlsLayer tls;

    /**
     * Runs the TLS handshake on this connection (after STARTTLS's 220, or at once for SMTPS) and switches
     * reads and writes to it. Each network wait of the handshake is bounded by the timeout too.
     */
    void startTls(javax.net.ssl.SSLEngine engine) throws IOException {
        TlsLayer t = new TlsLayer(engine, this);
        t.handshake();
        tls = t;
    }

    /** The TLS session once {@link #startTls} succeeded, else null. */
    javax.net.ssl.SSLSession tlsSession() {
        return tls == null ? null : tls.session();
    }

    /** Reads what is there, waiting at most the timeout; an IOException on timeout or end of stream. */
    int read(ByteBuffer into) throws IOException {
        return tls != null ? tls.read(into) : rawRead(into);
    }

    /** Writes all of {@code from}; each wait for room may take at most the timeout. */
    void write(ByteBuffer from) throws IOException {
        if (tls != null) tls.write(from);
        else rawWrite(from);
    }

    /** The network bytes themselves, for the TLS layer. */
    int rawRead(ByteBuffer into) throws IOException {
        for (;;) {
            int n = channel.read(into);
            if (n > 0) return n;
            if (n < 0) throw new IOException("connection closed");
            await(SelectionKey.OP_READ);
        }
    }

    void rawWrite(ByteBuffer from) throws IOException {
        while (from.hasRemaining()) {
            if (channel.write(from) == 0) await(SelectionKey.OP_WRITE);
        }
    }

    private void await(int op) throws IOException {
        SelectionKey key = channel.register(selector, op);
        try {
            if (selector.select(timeoutMillis) == 0) throw new SocketTimeoutException("timeoutremote");
        } finally {
            selector.selectedKeys().clear();
            key.interestOps(0);
        }
    }

    /**
     * Nothing to read, not even the end of the stream, without waiting: a server that has closed an
     * idle session, or said 421 before closing it, is not quiet. With TLS a closed session may still
     * look quiet; its next transaction then finds it gone before MAIL is answered ({@link Smtp#stale}).
     */
    boolean quiet() {
        try {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            try {
                return selector.selectNow() == 0;
            } finally {
                selector.selectedKeys().clear();
                key.interestOps(0);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    InetAddress remote() throws IOException {
        return ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
    }

    @Override
    public void close() {
        if (tls != null) tls.closeQuietly();
        closeQuietly(selector);
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to do with it
        }
    }
}
