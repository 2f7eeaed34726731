package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jqmail.common.EnvelopeReader.EnvelopeException;
import org.jqmail.common.EnvelopeReader.Problem;
import org.junit.jupiter.api.Test;

class EnvelopeReaderTest {
    /** Collects records as "F..." / "T..." strings. */
    private static final class Collect implements EnvelopeReader.RecordSink {
        final List<String> records = new ArrayList<>();

        @Override
        public void record(byte type, byte[] address, int length) {
            records.add((char) type + new String(address, 0, length, StandardCharsets.ISO_8859_1));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> read(byte[] envelope) throws Exception {
        Collect c = new Collect();
        long n = new EnvelopeReader(new ByteArrayInputStream(envelope)).read(c);
        assertEquals(c.records.size() - 1, n);
        return c.records;
    }

    private static Problem problem(byte[] envelope) {
        return assertThrows(EnvelopeException.class,
            () -> new EnvelopeReader(new ByteArrayInputStream(envelope)).read((t, a, l) -> {})).problem();
    }

    @Test
    void readsWhatEnvelopeEncodes() throws Exception {
        Envelope e = new Envelope("joe@a.example", List.of("ann@b.example", "bob@c.example"));
        assertEquals(List.of("Fjoe@a.example", "Tann@b.example", "Tbob@c.example"), read(e.encode()));
    }

    @Test
    void theEmptySender() throws Exception {
        assertEquals(List.of("F", "Tpostmaster@a.example"), read(bytes("F\0Tpostmaster@a.example\0\0")));
    }

    @Test
    void zeroRecipients() throws Exception {
        assertEquals(List.of("Fjoe"), read(bytes("Fjoe\0\0")));
        assertEquals(List.of("F"), read(bytes("F\0\0")));
    }

    @Test
    void anEmptyRecipientIsARecord() throws Exception {
        assertEquals(List.of("F", "T", "Tx"), read(bytes("F\0T\0Tx\0\0")));
    }

    @Test
    void eightBitBytesRoundTrip() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int c = 1; c <= 0xff; c++) all.append((char) c);
        Envelope e = new Envelope(all.toString(), List.of(all.reverse().toString()));
        List<String> records = read(e.encode());
        assertEquals("F" + e.sender(), records.get(0));
        assertEquals("T" + e.recipients().get(0), records.get(1));
    }

    @Test
    void aHundredThousandRecipientsAreStreamed() throws Exception {
        int n = 100_000;
        // Generated on the fly: neither the input nor the records are ever held in memory.
        InputStream in = new InputStream() {
            int recipient = -1; // -1: sender
            byte[] current = bytes("Fsender@a.example\0");
            int pos;

            @Override
            public int read() {
                if (pos == current.length) {
                    recipient++;
                    current = recipient < n ? bytes("Trcpt" + recipient + "@b.example\0") : new byte[] {0};
                    pos = 0;
                    if (recipient > n) return -1;
                }
                return current[pos++] & 0xff;
            }
        };
        long[] seen = {0};
        long count = new EnvelopeReader(new java.io.BufferedInputStream(in)).read((type, a, len) -> {
            if (type == 'T') {
                String expected = "rcpt" + seen[0] + "@b.example";
                assertEquals(expected, new String(a, 0, len, StandardCharsets.ISO_8859_1));
                seen[0]++;
            }
        });
        assertEquals(n, count);
        assertEquals(n, seen[0]);
    }

    @Test
    void anAddressOf1002BytesIsAccepted() throws Exception {
        String a = "a".repeat(Envelope.MAX_ADDRESS - 1);
        assertEquals(List.of("F" + a, "T" + a), read(bytes("F" + a + "\0T" + a + "\0\0")));
    }

    @Test
    void anAddressOf1003BytesIsTooLong() {
        String a = "a".repeat(Envelope.MAX_ADDRESS);
        assertEquals(Problem.TOO_LONG, problem(bytes("F" + a + "\0\0")));
        assertEquals(Problem.TOO_LONG, problem(bytes("F\0Tok\0T" + a + "\0\0")));
    }

    @Test
    void aTenMegabyteAddressFailsAfterReadingOnlyTheLimit() {
        long[] consumed = {0};
        long tenMegabytes = 10L * 1024 * 1024;
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                if (consumed[0] == tenMegabytes) return -1;
                return consumed[0]++ == 0 ? 'F' : 'x';
            }
        };
        EnvelopeException e = assertThrows(EnvelopeException.class,
            () -> new EnvelopeReader(endless).read((t, a, l) -> {}));
        assertEquals(Problem.TOO_LONG, e.problem());
        assertTrue(consumed[0] <= Envelope.MAX_ADDRESS + 1, "read " + consumed[0] + " bytes");
    }

    @Test
    void theFirstByteMustBeF() {
        assertEquals(Problem.FORMAT, problem(bytes("Tjoe\0\0")));
        assertEquals(Problem.FORMAT, problem(bytes("\0")));
        assertEquals(Problem.FORMAT, problem(bytes("f\0\0")));
        assertEquals(Problem.FORMAT, problem(bytes("u0\0p1\0Fjoe\0\0"))); // an intd file is not an envelope
    }

    @Test
    void everyFurtherRecordMustBeT() {
        assertEquals(Problem.FORMAT, problem(bytes("F\0Fjoe\0\0")));
        assertEquals(Problem.FORMAT, problem(bytes("F\0Tann\0Djoe\0\0")));
        assertEquals(Problem.FORMAT, problem(bytes("F\0t\0\0")));
        assertEquals(Problem.FORMAT, problem(bytes("F\0\n")));
    }

    @Test
    void endOfInputAnywhereBeforeTheFinalNulIsTruncated() {
        byte[] full = bytes("Fjoe@a\0Tann@b\0Tbob@c\0\0");
        for (int len = 0; len < full.length; len++) {
            assertEquals(Problem.TRUNCATED, problem(Arrays.copyOf(full, len)), "prefix of " + len + " bytes");
        }
    }

    @Test
    void aReadErrorIsTruncatedSoItIsNotMistakenForAWriteError() {
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ < 3) return 'F';
                throw new IOException("EIO");
            }
        };
        EnvelopeException e = assertThrows(EnvelopeException.class,
            () -> new EnvelopeReader(failing).read((t, a, l) -> {}));
        assertEquals(Problem.TRUNCATED, e.problem());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void aSinkErrorIsAnIOException() {
        IOException e = assertThrows(IOException.class,
            () -> new EnvelopeReader(new ByteArrayInputStream(bytes("F\0Ta\0\0"))).read((t, a, l) -> {
                if (t == 'T') throw new IOException("disk full");
            }));
        assertEquals("disk full", e.getMessage());
    }

    @Test
    void nothingAfterTheFinalNulIsRead() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes("Fa\0Tb\0\0garbage"));
        assertEquals(1, new EnvelopeReader(in).read((t, a, l) -> {}));
        assertEquals("garbage".length(), in.available());
    }
}
