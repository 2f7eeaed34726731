package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's half of the protocol: requests from qmail-lspawn, replies to it. */
class WorkerProtocolTest {
    static final String ARGS = "joe\0/home/joe\0joe-x\0-\0x\0example.com\0a@b\0./Maildir/\0";

    static byte[] record(int id, String fields) {
        byte[] f = fields.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(4 + f.length).putInt(id).put(f).array();
    }

    static WorkerProtocol.Request parse(byte[] r, int... fds) {
        return WorkerProtocol.request(r, r.length, fds);
    }

    @Test
    void aRequest() {
        WorkerProtocol.Request r = parse(record(0x01020304, ARGS), 9);
        assertEquals(0x01020304, r.id());
        assertEquals(List.of("joe", "/home/joe", "joe-x", "-", "x", "example.com", "a@b", "./Maildir/"), r.arguments());
        assertEquals(9, r.messageFd());
        assertEquals(0xfffffffeL, parse(record(-2, ARGS), 3).id(), "unsigned");
        assertEquals(List.of("", "", "", "", "", "", "", ""), parse(record(1, "\0\0\0\0\0\0\0\0"), 3).arguments());
    }

    @Test
    void eightBitBytesStayBytes() {
        assertEquals("j\u00fcrg", parse(record(1, "j\u00fcrg\0/h\0l\0\0\0d\0s\0x\0"), 3).arguments().get(0));
    }

    @Test
    void exactlyOneDescriptor() {
        assertNull(parse(record(1, ARGS)), "no message");
        assertNull(parse(record(1, ARGS), 3, 4), "two messages");
    }

    @Test
    void exactlyEightFields() {
        assertNull(parse(record(1, "a\0b\0c\0d\0e\0f\0g\0"), 3), "seven");
        assertNull(parse(record(1, ARGS + "extra\0"), 3), "nine");
        assertNull(parse(record(1, ARGS + "tail"), 3), "bytes after the eighth NUL");
        assertNull(parse(record(1, ARGS.substring(0, ARGS.length() - 1)), 3), "the last NUL missing");
    }

    @Test
    void tooShortOrTooLong() {
        for (int n = 0; n < 12; n++) {
            byte[] r = new byte[n];
            assertNull(WorkerProtocol.request(r, n, new int[] {3}), "n=" + n);
        }
        byte[] big = new byte[WorkerProtocol.MAX_REQUEST + 1];
        for (int i = 4; i < 12; i++) big[i] = 0;
        assertNull(WorkerProtocol.request(big, big.length, new int[] {3}));
    }

    @Test
    void replies() {
        assertArrayEquals(new byte[] {0, 0, 0, 7, 111, 0, 0, 0, 3, 'a', 'b', 'c'},
            WorkerProtocol.reply(7, 111, "abcd".getBytes(StandardCharsets.US_ASCII), 3));
        byte[] r = WorkerProtocol.reply(1, 0, new byte[10_000], 10_000);
        assertEquals(9 + WorkerProtocol.MAX_OUTPUT, r.length, "cut at MAX_OUTPUT");
        assertEquals(WorkerProtocol.MAX_OUTPUT, ByteBuffer.wrap(r, 5, 4).getInt());
    }

    @Test
    void captureKeepsTheFirstBytesInOrder() {
        ReportCapture c = new ReportCapture();
        c.write("out ".getBytes(StandardCharsets.US_ASCII), 0, 4);
        c.write('e');
        c.write(new byte[10_000], 0, 10_000);
        byte[] b = c.bytes();
        assertEquals(WorkerProtocol.MAX_OUTPUT, b.length);
        assertEquals("out e", new String(b, 0, 5, StandardCharsets.US_ASCII));
    }

    @Test
    void workerMaildirNamesCountDeliveries() {
        Self s = new Self(42, 1000);
        assertEquals("P42", s.deliveryId());
        assertEquals("P42", s.deliveryId(), "the command line: qmail's form");
        Self w = s.counting();
        assertEquals("P42Q1", w.deliveryId());
        assertEquals("P42Q2", w.deliveryId());
    }
}
