package org.jqmail.tcpto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcptoTableTest {
    @TempDir Path dir;
    Path file;
    TcptoTable t;
    static final long NOW = 1_700_000_000L;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("tcpto");
        Files.write(file, new byte[TcptoTable.SIZE]);
        t = new TcptoTable(file);
    }

    static Inet4Address ip(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    @Test
    void qmailsBinaryRecord() throws Exception {
        t.record(ip("192.0.2.7"), true, 0x01020304L);
        byte[] b = Files.readAllBytes(file);
        assertEquals(TcptoTable.SIZE, b.length);
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 7, 1, 0, 0, 0, 4, 3, 2, 1, 0, 0, 0, 0},
            java.util.Arrays.copyOf(b, 16));
    }

    @Test
    void skippedOnlyAfterTwoTimeoutsAndForAboutAnHour() throws Exception {
        Inet4Address a = ip("192.0.2.1");
        t.record(a, true, NOW);
        assertFalse(t.skip(a, NOW + 1, 0), "one timeout is not enough");
        t.record(a, true, NOW + 60);
        assertEquals(1, t.entries().get(0).count(), "a second timeout within 120 s is not counted");
        t.record(a, true, NOW + 200);
        assertEquals(2, t.entries().get(0).count());
        assertTrue(t.skip(a, NOW + 200 + 60 * 64 - 1, 0));
        assertFalse(t.skip(a, NOW + 200 + 60 * 64, 0), "(60 + (pid & 31)) * 64 seconds later, try again");
        assertTrue(t.skip(a, NOW + 200 + 60 * 64, 31), "a larger pid waits longer");
        assertFalse(t.skip(ip("192.0.2.2"), NOW, 0));
    }

    @Test
    void countStopsAtTenAndSuccessResets() throws Exception {
        Inet4Address a = ip("192.0.2.1");
        for (int i = 0; i < 15; i++) t.record(a, true, NOW + i * 1000L);
        assertEquals(10, t.entries().get(0).count());
        t.record(a, false, NOW + 20000);
        assertTrue(t.entries().isEmpty());
        t.record(ip("192.0.2.9"), false, NOW);
        assertTrue(t.entries().isEmpty(), "a success of an unknown address adds nothing");
    }

    @Test
    void fullTableEvictsTheOldestWeighted() throws Exception {
        for (int i = 0; i < TcptoTable.RECORDS; i++) t.record(ip("10.0.0." + i), true, NOW + i);
        t.record(ip("10.0.1.1"), true, NOW + 100);
        var e = t.entries();
        assertEquals(TcptoTable.RECORDS, e.size());
        assertEquals("10.0.1.1", e.get(0).address(), "10.0.0.0 was the oldest");
    }

    @Test
    void tcptoOutputAndTcpokClear() throws Exception {
        t.record(ip("192.0.2.1"), true, NOW - 30);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, TcptoMain.run(t, NOW, out));
        assertEquals("192.0.2.1 timed out 30 seconds ago; # recent timeouts: 1\n", out.toString(StandardCharsets.ISO_8859_1));
        t.clear();
        assertArrayEquals(new byte[TcptoTable.SIZE], Files.readAllBytes(file));
    }

    @Test
    void missingOrOddFiles() throws Exception {
        TcptoTable none = new TcptoTable(dir.resolve("none"));
        none.record(ip("192.0.2.1"), true, NOW);
        assertFalse(none.skip(ip("192.0.2.1"), NOW, 0));
        assertFalse(Files.exists(dir.resolve("none")), "never created");
        assertThrows(java.io.IOException.class, none::clear);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(111, TcptoMain.run(none, NOW, out));
        assertTrue(out.toString(StandardCharsets.ISO_8859_1).startsWith("fatal: unable to open tcpto: "));

        Files.write(file, new byte[7]); // shorter than one record: nothing to find, nothing written
        t.record(ip("192.0.2.1"), true, NOW);
        assertEquals(7, Files.size(file));
        byte[] garbage = new byte[2000];
        java.util.Arrays.fill(garbage, (byte) 0xff);
        Files.write(file, garbage);
        assertEquals(TcptoTable.RECORDS, t.entries().size(), "only the first 1024 bytes are the table");
        assertFalse(t.skip(ip("192.0.2.1"), NOW, 0));
    }
}
