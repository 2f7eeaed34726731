package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmtpConnectionTest {
    /**
     * The message and its final dot are separate writes; with Nagle's algorithm on, the dot waits for
     * the ACK of the message, which a server that answers only after the dot delays (~40 ms a delivery).
     */
    @Test
    void nagleIsOffAndWritesArriveWhole() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            try (SmtpConnection c = SmtpConnection.open(to, null, 5000, 5000); Socket peer = server.accept()) {
                assertTrue(c.noDelay());
                String body = "hello\r\n".repeat(300);
                c.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII)));
                c.write(ByteBuffer.wrap(".\r\n".getBytes(StandardCharsets.US_ASCII)));
                byte[] want = (body + ".\r\n").getBytes(StandardCharsets.US_ASCII);
                InputStream in = peer.getInputStream();
                assertArrayEquals(want, in.readNBytes(want.length));
            }
        }
    }
}
