package org.jqmail.rspawn;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A small SMTP server for tests on 127.0.0.1: each connection in a thread of its own, the greeting
 * {@code 220 test}, then for each command line the reply {@code script} gives ({@code "."} stands for
 * the end of the data after a 354). Data is read and dropped. Stops in {@link #close}.
 */
final class ScriptedSmtp implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile boolean closed;

    ScriptedSmtp(Function<String, String> script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!closed) {
                try {
                    Socket s = server.accept();
                    Thread.ofPlatform().daemon().start(() -> session(s, script));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Happy replies, except {@code reply} to commands starting with {@code command}. */
    static Function<String, String> replying(String command, String reply) {
        return cmd -> {
            if (cmd.toUpperCase().startsWith(command)) return reply;
            if (cmd.toUpperCase().startsWith("DATA")) return "354 go ahead\r\n";
            if (cmd.equals(".")) return "250 ok queued\r\n";
            if (cmd.toUpperCase().startsWith("QUIT")) return "221 bye\r\n";
            return "250 ok\r\n";
        };
    }

    int port() {
        return server.getLocalPort();
    }

    private static void session(Socket s, Function<String, String> script) {
        try (s) {
            s.setSoTimeout(20_000);
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = s.getOutputStream();
            out.write("220 test\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (String line; (line = line(in)) != null; ) {
                String reply = script.apply(line);
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                if (reply.startsWith("354")) {
                    for (String d; (d = line(in)) != null && !d.equals("."); ) {
                        // the message: dropped
                    }
                    out.write(script.apply(".").getBytes(StandardCharsets.ISO_8859_1));
                }
                if (line.toUpperCase().startsWith("QUIT")) return;
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (b.size() < 100_000) b.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
