package org.jqmail.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A scripted SMTP server for tests: one connection at a time on {@code bind}, a greeting, then the reply
 * the script gives for each command line; after a 354 the data up to CRLF.CRLF is kept and answered
 * with the script's reply to "." . A reply of {@link #CLOSE} closes the connection (a reply that ends
 * with it is sent first), {@link #STALL} stops answering (until the test ends). With {@link #tls}, a 220
 * to STARTTLS is followed by a real TLS handshake (or TLS from the start, {@link #smtps}). Everything stops in {@link #close}.
 */
final class FakeSmtp implements AutoCloseable {
    static final String CLOSE = "<close>";
    static final String STALL = "<stall>";

    final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    /** Connections accepted so far. */
    final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    volatile byte[] data;
    volatile InetAddress peer;
    /** If set, a 220 answer to STARTTLS is followed by the server side of a TLS handshake with it. */
    volatile javax.net.ssl.SSLContext tls;
    /** With {@link #tls}: TLS from the first byte (SMTPS). */
    volatile boolean smtps;
    /**
     * A strict PIPELINING check: from MAIL on, replies are held back until DATA has been read, then
     * sent together. A client that waits for MAIL's reply before sending RCPT waits for ever.
     */
    volatile boolean holdUntilData;
    /** The SNI names the last TLS client asked for, and its protocol. */
    volatile List<String> sni = List.of();
    volatile String tlsProtocol;
    private final ServerSocket server;
    private final Thread thread;
    private volatile boolean closed;

    FakeSmtp(InetAddress bind, String greeting, Function<String, String> script) throws IOException {
        this(bind, 0, greeting, script);
    }

    FakeSmtp(InetAddress bind, int port, String greeting, Function<String, String> script) throws IOException {
        server = new ServerSocket(port, 5, bind);
        thread = new Thread(() -> serve(greeting, script), "fake-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    /** Answers every command with the usual success replies. */
    static Function<String, String> happy() {
        return cmd -> {
            String c = cmd.length() >= 4 ? cmd.substring(0, 4).toUpperCase() : cmd;
            return switch (c) {
                case "DATA" -> "354 go ahead\r\n";
                case "QUIT" -> "221 bye\r\n";
                case "." -> "250 ok 123 qp 456\r\n";
                default -> "250 ok\r\n";
            };
        };
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve(String greeting, Function<String, String> script) {
        while (!closed) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                connections.incrementAndGet();
                peer = s.getInetAddress();
                session(s, greeting, script);
            } catch (IOException e) {
                // connection over
            }
        }
    }

    private void session(Socket s, String greeting, Function<String, String> script) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        if (smtps && tls != null) {
            Socket t = upgrade(s);
            in = t.getInputStream();
            out = t.getOutputStream();
        }
        if (!say(out, greeting)) return;
        StringBuilder held = new StringBuilder();
        for (;;) {
            String line = readLine(in);
            if (line == null) return;
            commands.add(line);
            String reply = script.apply(line);
            if (holdUntilData && (held.length() > 0 || line.toUpperCase().startsWith("MAIL"))
                && !line.equalsIgnoreCase("DATA")) {
                held.append(reply);
                continue;
            }
            String all = held + reply;
            held.setLength(0);
            if (!say(out, all)) return;
            if (line.equalsIgnoreCase("STARTTLS") && reply.startsWith("220") && tls != null) {
                Socket t = upgrade(s);
                in = t.getInputStream();
                out = t.getOutputStream();
                commands.add("<tls>");
            }
            if (reply.startsWith("354")) {
                data = readData(in);
                if (data == null) return;
                commands.add(".");
                if (!say(out, script.apply("."))) return;
            }
        }
    }

    private Socket upgrade(Socket s) throws IOException {
        javax.net.ssl.SSLSocket t = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
        t.setUseClientMode(false);
        t.startHandshake();
        List<String> names = new ArrayList<>();
        if (t.getSession() instanceof javax.net.ssl.ExtendedSSLSession e) {
            for (javax.net.ssl.SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof javax.net.ssl.SNIHostName h) names.add(h.getAsciiName());
            }
        }
        sni = names;
        tlsProtocol = t.getSession().getProtocol();
        return t;
    }

    private boolean say(OutputStream out, String reply) throws IOException {
        if (reply.equals(CLOSE)) return false;
        if (reply.equals(STALL)) {
            while (!closed) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return false;
        }
        boolean close = reply.endsWith(CLOSE); // "text" + CLOSE: say it, then hang up
        out.write(reply.substring(0, close ? reply.length() - CLOSE.length() : reply.length()).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return !close;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }

    /** The data as it came over the wire, without the final ".\r\n". */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n == 3 && a[0] == '.' && a[1] == '\r' && a[2] == '\n') return new byte[0];
            if (n >= 5 && a[n - 5] == '\r' && a[n - 4] == '\n' && a[n - 3] == '.' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return java.util.Arrays.copyOf(a, n - 3);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
