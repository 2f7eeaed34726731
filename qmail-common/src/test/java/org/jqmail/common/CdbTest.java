package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading cdb files: tinycdb's known answers, then broken and hostile files. */
class CdbTest {
    @TempDir Path dir;

    private Path resource(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, CdbRecords.resourceBytes(name));
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theHashIsDjbsHashOverUnsignedBytes() {
        assertEquals(5381, Cdb.hash(new byte[0]));
        assertEquals((5381 * 33) ^ 'a', Cdb.hash(bytes("a")));
        assertEquals((5381 * 33) ^ 0xff, Cdb.hash(new byte[] {(byte) 0xff}));
        assertEquals(0x0b873285, Cdb.hash(bytes("abc")));
    }

    @Test
    void findsEveryRecordOfTinycdbsSmallFile() throws IOException {
        CdbRecords records = CdbRecords.resource("small.records");
        try (Cdb cdb = Cdb.open(resource("small.cdb"))) {
            for (int i = 0; i < records.size(); i++) {
                byte[] key = records.keys().get(i);
                byte[] expected = records.data().get(i);
                List<byte[]> all = cdb.findAll(key, Integer.MAX_VALUE);
                boolean found = all.stream().anyMatch(d -> java.util.Arrays.equals(d, expected));
                assertEquals(true, found, "record " + i);
            }
        }
    }

    @Test
    void theEmptyKeyAndEmptyData() throws IOException {
        try (Cdb cdb = Cdb.open(resource("small.cdb"))) {
            assertArrayEquals(bytes("data of the empty key"), cdb.find(new byte[0]));
            assertArrayEquals(new byte[0], cdb.find(bytes("empty-data")));
        }
    }

    @Test
    void findAllGivesDuplicatesInFileOrderAndFindTheFirst() throws IOException {
        try (Cdb cdb = Cdb.open(resource("small.cdb"))) {
            List<byte[]> all = cdb.findAll(bytes("dup"), 10);
            assertEquals(List.of("first", "second", "third"),
                all.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList());
            assertArrayEquals(bytes("first"), cdb.find(bytes("dup")));
            assertEquals(2, cdb.findAll(bytes("dup"), 2).size());
            assertEquals(0, cdb.findAll(bytes("dup"), 0).size());
        }
    }

    @Test
    void binaryKeysAndData() throws IOException {
        try (Cdb cdb = Cdb.open(resource("small.cdb"))) {
            byte[] key = {0, 1, (byte) 0xff, (byte) 0xfe, ' ', 'b', 'i', 'n', 'a', 'r', 'y', ' ', 'k', 'e', 'y', 0};
            assertArrayEquals(new byte[] {0, 'b', 'i', 'n', 'a', 'r', 'y', '\r', '\n', 'd', 'a', 't', 'a', (byte) 0xff, 0},
                cdb.find(key));
            assertArrayEquals(bytes("joe\0" + "1001\0" + "1001\0/home/joe\0-\0\0"), cdb.find(bytes("!joe\0")));
            byte[] longKey = new byte[300];
            java.util.Arrays.fill(longKey, (byte) 0xff);
            assertArrayEquals(bytes("long key"), cdb.find(longKey));
            assertEquals(4096, cdb.find(bytes("big")).length);
        }
    }

    @Test
    void absentKeysAreNotFound() throws IOException {
        try (Cdb cdb = Cdb.open(resource("small.cdb"))) {
            assertNull(cdb.find(bytes("absent")));
            assertNull(cdb.find(bytes("du")));       // a prefix of a key
            assertNull(cdb.find(bytes("dupe")));     // a key extended
            assertNull(cdb.find(bytes("DUP")));      // cdb is case-sensitive
            assertNull(cdb.find(bytes("!joe")));     // without the NUL
        }
    }

    @Test
    void findsEveryOneOfAThousandKeys() throws IOException {
        CdbRecords records = CdbRecords.resource("thousand.records");
        assertEquals(1000, records.size());
        try (Cdb cdb = Cdb.open(resource("thousand.cdb"))) {
            for (int i = 0; i < records.size(); i++) {
                assertArrayEquals(records.data().get(i), cdb.find(records.keys().get(i)), "key" + i);
            }
            assertNull(cdb.find(bytes("key1000")));
        }
    }

    @Test
    void aCdbWithoutRecordsFindsNothing() throws IOException {
        try (Cdb cdb = Cdb.open(resource("empty.cdb"))) {
            assertNull(cdb.find(new byte[0]));
            assertNull(cdb.find(bytes("anything")));
        }
    }

    // ---- hostile files: an IOException or "not found", never a wrong answer or a hang ----

    private Path file(byte[] content) throws IOException {
        Path p = dir.resolve("hostile.cdb");
        Files.write(p, content);
        return p;
    }

    /** A 2048-byte header, little-endian, followed by {@code extra} bytes. */
    private static ByteBuffer image(int extra) {
        return ByteBuffer.allocate(2048 + extra).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int table(byte[] key) {
        return (Cdb.hash(key) & 0xff) * 8;
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        assertThrows(IOException.class, () -> Cdb.open(file(new byte[0])));
    }

    @Test
    void aTruncatedHeaderIsRefused() throws IOException {
        byte[] good = CdbRecords.resourceBytes("small.cdb");
        assertThrows(IOException.class, () -> Cdb.open(file(java.util.Arrays.copyOf(good, 2047))));
        assertThrows(IOException.class, () -> Cdb.open(file(java.util.Arrays.copyOf(good, 10))));
    }

    @Test
    void aFileCutAfterItsHeaderIsCorruptNotEmpty() throws IOException {
        byte[] good = CdbRecords.resourceBytes("small.cdb");
        try (Cdb cdb = Cdb.open(file(java.util.Arrays.copyOf(good, 2048)))) {
            assertThrows(IOException.class, () -> cdb.find(bytes("dup")));
        }
    }

    @Test
    void everyTruncationOfARealFileGivesTheRightAnswerOrAnError() throws IOException {
        byte[] good = CdbRecords.resourceBytes("small.cdb");
        byte[] key = bytes("one");
        for (int len = 2048; len < good.length; len += 7) {
            try (Cdb cdb = Cdb.open(file(java.util.Arrays.copyOf(good, len)))) {
                try {
                    byte[] found = cdb.find(key);
                    // Only possible if everything needed lies within the first len bytes.
                    assertArrayEquals(bytes("1"), found, "truncated to " + len);
                } catch (IOException expected) {
                    // fine
                }
            }
        }
    }

    @Test
    void aTablePointingPastTheEndIsCorrupt() throws IOException {
        byte[] key = bytes("k");
        ByteBuffer b = image(16);
        b.putInt(table(key), 1_000_000).putInt(table(key) + 4, 2);
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertThrows(IOException.class, () -> cdb.find(key));
        }
    }

    @Test
    void aTableReachingPastTheEndIsCorrupt() throws IOException {
        byte[] key = bytes("k");
        ByteBuffer b = image(16);
        b.putInt(table(key), 2048).putInt(table(key) + 4, 0x7fffffff);
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertThrows(IOException.class, () -> cdb.find(key));
        }
    }

    @Test
    void aTableInsideTheHeaderIsCorrupt() throws IOException {
        byte[] key = bytes("k");
        ByteBuffer b = image(16);
        b.putInt(table(key), 0).putInt(table(key) + 4, 2);
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertThrows(IOException.class, () -> cdb.find(key));
        }
    }

    @Test
    void aRecordPositionPastTheEndIsCorrupt() throws IOException {
        byte[] key = bytes("k");
        int h = Cdb.hash(key);
        ByteBuffer b = image(16);
        b.putInt(table(key), 2048).putInt(table(key) + 4, 2);
        b.putInt(2048, h).putInt(2052, 5_000_000).putInt(2056, h).putInt(2060, 5_000_000);
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertThrows(IOException.class, () -> cdb.find(key));
        }
    }

    @Test
    void recordLengthsPastTheEndAreCorrupt() throws IOException {
        byte[] key = bytes("k");
        int h = Cdb.hash(key);
        // record at 2048: klen 1, dlen 0x7fffffff; table at 2057.
        ByteBuffer b = image(8 + 1 + 16);
        b.putInt(table(key), 2057).putInt(table(key) + 4, 2);
        b.putInt(2048, 1).putInt(2052, 0x7fffffff).put(2056, (byte) 'k');
        b.putInt(2057, h).putInt(2061, 2048).putInt(2065, h).putInt(2069, 2048);
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertThrows(IOException.class, () -> cdb.find(key));
        }
        b.putInt(2048, 0xffffffff).putInt(2052, 0xffffffff); // klen and dlen 2^32-1: no overflow either
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertThrows(IOException.class, () -> cdb.find(key));
        }
    }

    @Test
    void aFullTableOfOtherHashesEndsWithNotFound() throws IOException {
        byte[] key = bytes("k");
        int h = Cdb.hash(key);
        int slots = 1000;
        // one record ("x" -> "y") that every slot points to, but under a different hash
        ByteBuffer b = image(10 + slots * 8);
        b.putInt(2048, 1).putInt(2052, 1).put(2056, (byte) 'x').put(2057, (byte) 'y');
        b.putInt(table(key), 2058).putInt(table(key) + 4, slots);
        for (int i = 0; i < slots; i++) b.putInt(2058 + 8 * i, h + 256).putInt(2062 + 8 * i, 2048);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Cdb cdb = Cdb.open(file(b.array()))) {
                assertNull(cdb.find(key));
                assertEquals(0, cdb.findAll(key, Integer.MAX_VALUE).size());
            }
        });
    }

    @Test
    void aFullTableOfMatchingHashesWithOtherKeysEndsWithNotFound() throws IOException {
        byte[] key = bytes("k");
        int h = Cdb.hash(key);
        int slots = 64;
        ByteBuffer b = image(10 + slots * 8);
        b.putInt(2048, 1).putInt(2052, 1).put(2056, (byte) 'x').put(2057, (byte) 'y');
        b.putInt(table(key), 2058).putInt(table(key) + 4, slots);
        for (int i = 0; i < slots; i++) b.putInt(2058 + 8 * i, h).putInt(2062 + 8 * i, 2048);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Cdb cdb = Cdb.open(file(b.array()))) {
                assertNull(cdb.find(key));
            }
        });
    }

    @Test
    void aFullTableOfTheSameRecordGivesItOncePerSlot() throws IOException {
        // Not a file cdbmake writes, but legal to read: each slot is a record reference.
        byte[] key = bytes("k");
        int h = Cdb.hash(key);
        ByteBuffer b = image(10 + 3 * 8);
        b.putInt(2048, 1).putInt(2052, 1).put(2056, (byte) 'k').put(2057, (byte) 'v');
        b.putInt(table(key), 2058).putInt(table(key) + 4, 3);
        for (int i = 0; i < 3; i++) b.putInt(2058 + 8 * i, h).putInt(2062 + 8 * i, 2048);
        try (Cdb cdb = Cdb.open(file(b.array()))) {
            assertEquals(3, cdb.findAll(key, 100).size());
        }
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Cdb.open(dir.resolve("absent.cdb")));
    }

    @Test
    void aDirectoryIsRefused() {
        assertThrows(IOException.class, () -> Cdb.open(dir));
    }
}
