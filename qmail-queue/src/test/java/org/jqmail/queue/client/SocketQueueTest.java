package org.jqmail.queue.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's side of qmail-queued's protocol against hostile or absent daemons. */
class SocketQueueTest {
    @TempDir
    Path tmp;

    private static long parse(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return SocketQueue.parseGreeting(b, b.length);
    }

    @Test
    void greetings() throws Exception {
        assertEquals(4194305, parse("7:4194305,"));
        assertEquals(1, parse("1:1,"));
        assertEquals(Long.MAX_VALUE, parse("19:9223372036854775807,"));
        for (String bad : new String[] {"0:,", "1:0,", "2:01,", "01:1,", "2:1,", "1:12,", "1:x,", "1:-,", ":1,", "1;1,",
            "20:99999999999999999999,", "19:9999999999999999999,", "1:\0,", "3:1 2,"}) {
            assertThrows(IOException.class, () -> parse(bad), bad);
        }
    }

    @Test
    void noSocketOrNobodyListeningMeansNoFastPath() throws Exception {
        assertNull(SocketQueue.connect(tmp.resolve("absent")));
        Path regular = Files.writeString(tmp.resolve("file"), "x");
        assertNull(SocketQueue.connect(regular));
        Path stale = tmp.resolve("stale");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(stale));
        s.close(); // the file stays, nobody listens
        assertNull(SocketQueue.connect(stale));
    }

    @Test
    void aDaemonThatClosesOrGreetsBadlyMeansNoFastPath() throws Exception {
        for (String greeting : new String[] {"", "7:41943", "x", "99999999999999999999999999999999999999999999999"}) {
            Path p = tmp.resolve("s" + greeting.length());
            try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                s.bind(UnixDomainSocketAddress.of(p));
                Thread t = new Thread(() -> {
                    try (SocketChannel c = s.accept()) {
                        c.write(ByteBuffer.wrap(greeting.getBytes(StandardCharsets.ISO_8859_1)));
                    } catch (IOException ignored) {
                        // the client went
                    }
                });
                t.start();
                assertNull(SocketQueue.connect(p), greeting);
                t.join(10_000);
            }
        }
    }
}
