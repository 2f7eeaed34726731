package org.jqmail.queue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A client that speaks qmail-queued's protocol byte by byte, hostile bytes included. */
final class RawQueuedClient implements AutoCloseable {
    final SocketChannel ch;
    final String greeting;

    RawQueuedClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        StringBuilder g = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (g.length() < 40) {
            one.clear();
            if (ch.read(one) < 0) break;
            g.append((char) one.get(0));
            if (one.get(0) == ',') break;
        }
        greeting = g.toString();
    }

    /** The qp in the greeting. */
    long qp() {
        return Long.parseLong(greeting.substring(greeting.indexOf(':') + 1, greeting.length() - 1));
    }

    void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Ends the output and reads the answer byte: the exit code, or -1 if the daemon closed without one. */
    int answer() throws IOException {
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            // the daemon closed already; its answer may still be there
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        if (ch.read(one) < 0) return -1;
        return one.get(0) & 0xff;
    }

    /** Sends {@code wire} whole, then the answer. */
    static int exchange(Path socket, String wire) throws IOException {
        try (RawQueuedClient c = new RawQueuedClient(socket)) {
            try {
                c.send(wire);
            } catch (IOException e) {
                // answered early
            }
            return c.answer();
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
