package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NetstringTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] read(String wire, int max) throws IOException {
        return Netstring.read(new ByteArrayInputStream(bytes(wire)), max);
    }

    private static String error(String wire, int max) {
        return assertThrows(IOException.class, () -> read(wire, max), wire).getMessage();
    }

    @Test
    void encodesLengthColonDataComma() {
        assertArrayEquals(bytes("12:hello world!,"), Netstring.encode(bytes("hello world!")));
        assertArrayEquals(bytes("0:,"), Netstring.encode(new byte[0]));
    }

    @Test
    void roundTripsBinaryData() throws IOException {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        assertArrayEquals(data, Netstring.read(new ByteArrayInputStream(Netstring.encode(data)), 1000));
    }

    @Test
    void readsOneNetstringAndLeavesTheRest() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes("3:abc,0:,5:x:y,z,"));
        assertArrayEquals(bytes("abc"), Netstring.read(in, 10));
        assertArrayEquals(bytes(""), Netstring.read(in, 10));
        assertArrayEquals(bytes("x:y,z"), Netstring.read(in, 10));
        assertEquals(-1, in.read());
    }

    @Test
    void theEmptyNetstring() throws IOException {
        assertArrayEquals(new byte[0], read("0:,", 0));
    }

    @Test
    void aLeadingZeroIsRefused() {
        assertEquals("netstring: leading zero in length", error("01:a,", 10));
        assertEquals("netstring: leading zero in length", error("00:,", 10));
    }

    @Test
    void aMissingCommaIsRefused() {
        assertEquals("netstring: missing comma", error("1:ab", 10));
        assertEquals("netstring: missing comma", error("1:a;", 10));
        assertEquals("netstring: missing comma", error("1:a", 10));
    }

    @Test
    void aLengthOverTheLimitIsRefusedBeforeAnythingIsAllocated() {
        assertEquals("netstring: longer than 10 bytes", error("11:", 10));
        // The length alone is refused: the stream would fail if the data were read.
        InputStream in = new SequenceInputStream(new ByteArrayInputStream(bytes("2147483647:")),
            new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("data must not be read");
                }
            });
        IOException e = assertThrows(IOException.class, () -> Netstring.read(in, 1 << 20));
        assertEquals("netstring: longer than 1048576 bytes", e.getMessage());
    }

    @Test
    void anEndlessLengthIsRefusedAfterAFewDigits() {
        long[] consumed = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                consumed[0]++;
                return '9';
            }
        };
        assertThrows(IOException.class, () -> Netstring.read(endless, Integer.MAX_VALUE));
        assertTrue(consumed[0] <= 11, "read " + consumed[0] + " digits");
    }

    @Test
    void aLengthAtTheLimitIsAccepted() throws IOException {
        assertArrayEquals(bytes("0123456789"), read("10:0123456789,", 10));
    }

    @Test
    void nonDigitsInTheLengthAreRefused() {
        for (String bad : new String[] {"a:,", "1a:a,", " 1:a,", "1 :a,", "-1:a,", "+1:a,", "0x1:a,", "\0" + "1:a,"}) {
            assertEquals("netstring: bad length character", error(bad, 10), bad);
        }
    }

    @Test
    void aMissingLengthIsRefused() {
        assertEquals("netstring: missing length", error(":,", 10));
    }

    @Test
    void endOfInputAnywhereIsRefused() {
        assertEquals("netstring: unexpected end of input", error("", 10));
        assertEquals("netstring: unexpected end of input", error("12", 100));
        assertEquals("netstring: unexpected end of input", error("5:ab", 10));
        assertEquals("netstring: unexpected end of input", error("5:", 10));
    }
}
