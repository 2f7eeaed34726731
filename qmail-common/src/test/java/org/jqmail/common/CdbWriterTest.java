package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing cdb files. cdbmake and tinycdb place records and hash slots identically when the records are
 * added in the same order, so our output must equal tinycdb's byte for byte.
 */
class CdbWriterTest {
    @TempDir Path dir;

    private Path write(CdbRecords records) throws IOException {
        Path p = dir.resolve("out.cdb");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            CdbWriter w = new CdbWriter(ch);
            for (int i = 0; i < records.size(); i++) w.add(records.keys().get(i), records.data().get(i));
            w.finish();
        }
        return p;
    }

    private void assertSameAsTinycdb(String name) throws IOException {
        Path ours = write(CdbRecords.resource(name + ".records"));
        assertArrayEquals(CdbRecords.resourceBytes(name + ".cdb"), Files.readAllBytes(ours), name);
    }

    @Test
    void smallRecordsGiveTinycdbsBytes() throws IOException {
        assertSameAsTinycdb("small");
    }

    @Test
    void aThousandRecordsGiveTinycdbsBytes() throws IOException {
        assertSameAsTinycdb("thousand");
    }

    @Test
    void noRecordsGiveTinycdbsBytes() throws IOException {
        assertSameAsTinycdb("empty");
        assertEquals(2048, Files.size(dir.resolve("out.cdb")));
    }

    @Test
    void whatWeWriteWeRead() throws IOException {
        Random random = new Random(42);
        byte[][] keys = new byte[3000][];
        byte[][] data = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new byte[random.nextInt(40)];
            random.nextBytes(keys[i]);
            keys[i] = (i + ":" + new String(keys[i], StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
            data[i] = new byte[random.nextInt(200)];
            random.nextBytes(data[i]);
        }
        Path p = dir.resolve("random.cdb");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            CdbWriter w = new CdbWriter(ch);
            for (int i = 0; i < keys.length; i++) w.add(keys[i], data[i]);
            w.add(keys[7], "second".getBytes(StandardCharsets.US_ASCII));
            w.finish();
        }
        try (Cdb cdb = Cdb.open(p)) {
            for (int i = 0; i < keys.length; i++) assertArrayEquals(data[i], cdb.find(keys[i]), "key " + i);
            List<byte[]> both = cdb.findAll(keys[7], 5);
            assertEquals(2, both.size());
            assertArrayEquals(data[7], both.get(0));
            assertArrayEquals("second".getBytes(StandardCharsets.US_ASCII), both.get(1));
            assertNull(cdb.find("not there".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void anExistingFileIsReplacedNotOverlaid() throws IOException {
        Path p = dir.resolve("out.cdb");
        Files.write(p, new byte[100_000]);
        write(CdbRecords.resource("small.records"));
        assertArrayEquals(CdbRecords.resourceBytes("small.cdb"), Files.readAllBytes(p));
    }
}
