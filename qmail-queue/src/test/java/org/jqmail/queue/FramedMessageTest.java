package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jqmail.queue.client.QueuedProtocol;
import org.junit.jupiter.api.Test;

/** qmail-queued's message framing against well-formed and hostile clients. */
class FramedMessageTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Everything the framing yields from {@code in} to its end mark. */
    private static byte[] readAll(InputStream in) throws IOException {
        FramedMessage m = new FramedMessage(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(7); // small, so frames are read in pieces
        for (int i = 0; i < 10_000_000; i++) {
            int r = m.read(b);
            if (r < 0) {
                assertTrue(m.ended());
                return out.toByteArray();
            }
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        throw new AssertionError("no end");
    }

    private static byte[] readAll(String wire) throws IOException {
        return readAll(new ByteArrayInputStream(bytes(wire)));
    }

    @Test
    void framesAreJoinedAndTheEnvelopeIsLeftUnread() throws Exception {
        InputStream in = new ByteArrayInputStream(bytes("5:Hello,1:\n,3:\0,\0,0:,Fa\0\0"));
        assertArrayEquals(bytes("Hello\n\0,\0"), readAll(in));
        assertArrayEquals(bytes("Fa\0\0"), in.readAllBytes());
    }

    @Test
    void anEmptyMessageIsJustTheEndMark() throws Exception {
        assertArrayEquals(new byte[0], readAll("0:,"));
    }

    @Test
    void aFrameOfTheLargestSizeIsRead() throws Exception {
        byte[] data = new byte[QueuedProtocol.MAX_CHUNK];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(bytes(data.length + ":"));
        wire.writeBytes(data);
        wire.writeBytes(bytes(",0:,"));
        assertArrayEquals(data, readAll(new ByteArrayInputStream(wire.toByteArray())));
    }

    @Test
    void truncatedInputIsAReadErrorWhereverItEnds() {
        String wire = "5:Hello,3:abc,0:,";
        for (int cut = 0; cut < wire.length(); cut++) {
            String part = wire.substring(0, cut);
            assertThrows(IOException.class, () -> readAll(part), "cut at " + cut + ": " + part);
        }
    }

    @Test
    void hostileLengthsAreRefusedBeforeAnythingIsRead() {
        for (String wire : new String[] {
            "65537:x,0:,", // one more than a frame may be
            "99999999999999999999999999:x", // refused by its digit count, not by overflow
            "00:,", "01:x,0:,", // leading zeros
            ":x,0:,", // no length
            "-1:x,0:,", "+1:x,0:,", " 1:x,0:,", "1 :x,0:,", "0x1:x,0:,", "\0:,",
            "1:xy0:,", // frame not closed by a comma
            "0:;", "0:", // end mark without its comma
        }) {
            assertThrows(IOException.class, () -> readAll(wire), wire);
        }
    }

    @Test
    void aHugeLengthDoesNotWaitForItsData() {
        // a client claiming 10^30 bytes and then stalling must not be waited for
        InputStream in = new InputStream() {
            final byte[] head = bytes("1000000000000000000000000000000:");
            int i;

            @Override
            public int read() {
                if (i < head.length) return head[i++];
                throw new AssertionError("read past the length");
            }
        };
        assertThrows(IOException.class, () -> readAll(in));
    }
}
